package org.zfleet.node.remote;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.zfleet.config.HostPort;
import org.zfleet.config.PullJob;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.replication.PulledSource;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.replication.SourceDirectory;
import org.zfleet.zfs.ZfsCapabilities;

/**
 * Finds source jobs anywhere in the cluster through the {@link EndpointFinder}, as a {@link
 * RemoteSender} whose streams this node's {@link PullDataPlane} accepts. A source decides by the
 * certificate of this node, so the identity asked for must be this node's name.
 */
public final class ClusterSourceDirectory implements SourceDirectory {

  private final Map<String, PullJob> pulls;
  private final EndpointFinder finder;
  private final EndpointClient client;
  private final PullDataPlane plane;
  private final HostPort ownDataPlane;
  private final ZfsCapabilities capabilities;
  private final Executor waiting;
  private final Clock clock;

  /**
   * @param pulls this node's pull jobs by name
   */
  ClusterSourceDirectory(
      Map<String, PullJob> pulls,
      EndpointFinder finder,
      EndpointClient client,
      PullDataPlane plane,
      HostPort ownDataPlane,
      ZfsCapabilities capabilities,
      Executor waiting,
      Clock clock) {
    this.pulls = Map.copyOf(pulls);
    this.finder = Objects.requireNonNull(finder, "finder");
    this.client = Objects.requireNonNull(client, "client");
    this.plane = Objects.requireNonNull(plane, "plane");
    this.ownDataPlane = Objects.requireNonNull(ownDataPlane, "ownDataPlane");
    this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
    this.waiting = Objects.requireNonNull(waiting, "waiting");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public PulledSource source(String sourceJob, String pullJob, String identity) {
    PullJob pull = pulls.get(pullJob);
    if (pull == null) {
      throw new IllegalArgumentException("no pull job named " + pullJob + " on this node");
    }
    PeerAddress peer = finder.find(EndpointBindings.Role.SOURCE, sourceJob);
    String whom = "source " + sourceJob + " on node " + peer.identity();
    EndpointReply reply =
        client.call(
            peer,
            new EndpointRequest.DescribeSource(sourceJob),
            EndpointFinder.LOOKUP_TIMEOUT,
            whom,
            "a description");
    if (!(reply instanceof EndpointReply.SourceDescribed described)) {
      throw ClusterReceiverDirectory.describeRefused(reply, whom);
    }
    RemoteSender sender =
        new RemoteSender(
            client,
            new RemoteSender.Source(
                peer, sourceJob, pullJob, ReplicationMarks.of(pullJob, identity)),
            pull.rootFs(),
            plane,
            ownDataPlane,
            capabilities,
            RemoteReceiver.Timeouts.DEFAULT,
            described.resumes(),
            waiting,
            clock);
    Optional<String> prefix =
        described.snapshotPrefix() == null || described.snapshotPrefix().isEmpty()
            ? Optional.empty()
            : Optional.of(described.snapshotPrefix());
    return new PulledSource(peer.identity().name(), prefix, sender);
  }
}
