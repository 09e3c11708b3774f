package org.zfleet.node.remote;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.zfleet.config.HostPort;
import org.zfleet.config.PullJob;
import org.zfleet.node.cluster.JobDirectory;
import org.zfleet.node.cluster.PeerIdentity;
import org.zfleet.node.dataplane.DataPlaneClient;
import org.zfleet.node.dataplane.RequestChannel;
import org.zfleet.replication.ReceiverDirectory;
import org.zfleet.replication.SourceDirectory;
import org.zfleet.zfs.ZfsCapabilities;

/**
 * The sinks and sources of other nodes, as this node's pushes and pulls reach them: found through
 * the job directory, bound to one node each, asked over the data plane on kept connections.
 */
public final class RemoteEndpoints {

  private final EndpointFinder finder;
  private final EndpointClient client;
  private final DataPlaneClient dataPlane;

  public RemoteEndpoints(
      ActorRef<JobDirectory.Command> directory,
      Scheduler scheduler,
      Function<ActorRef<?>, PeerIdentity> identities,
      EndpointBindings bindings,
      RequestChannel channel,
      DataPlaneClient dataPlane) {
    this.finder = new EndpointFinder(directory, scheduler, identities, bindings);
    this.client = new EndpointClient(channel);
    this.dataPlane = dataPlane;
  }

  /** Sinks: {@code local}'s for the names in {@code localSinks}, any other node's otherwise. */
  public ReceiverDirectory receivers(ReceiverDirectory local, Set<String> localSinks) {
    return new ClusterReceiverDirectory(
        local, localSinks, finder, client, dataPlane, RemoteReceiver.Timeouts.DEFAULT);
  }

  /** Sources of other nodes, for this node's pull jobs, whose streams {@code plane} accepts. */
  public SourceDirectory sources(
      Map<String, PullJob> pulls,
      PullDataPlane plane,
      HostPort ownDataPlane,
      ZfsCapabilities capabilities,
      Executor waiting,
      Clock clock) {
    return new ClusterSourceDirectory(
        pulls, finder, client, plane, ownDataPlane, capabilities, waiting, clock);
  }

  /** This node's backups on other nodes' sinks, restored through {@code plane}. */
  public RemoteBackups backups(RestoreDataPlane plane, HostPort ownDataPlane, Executor waiting) {
    return new RemoteBackups(finder, client, plane, ownDataPlane, waiting);
  }
}
