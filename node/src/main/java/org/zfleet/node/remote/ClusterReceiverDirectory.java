package org.zfleet.node.remote;

import java.util.Objects;
import java.util.Set;
import org.zfleet.endpoint.Receiver;
import org.zfleet.node.dataplane.DataPlaneClient;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.replication.ReceiverDirectory;

/**
 * Finds sink jobs anywhere in the cluster: a sink of this node directly (no network), any other
 * through the {@link EndpointFinder} as a {@link RemoteReceiver}. While no reachable node offers
 * the sink, {@link Unavailable} carries the account ({@code not reachable (no node offers job X;
 * known jobs: ...)}), which the replication shows as what it waits for.
 */
public final class ClusterReceiverDirectory implements ReceiverDirectory {

  private final ReceiverDirectory local;
  private final Set<String> localSinks;
  private final EndpointFinder finder;
  private final EndpointClient client;
  private final DataPlaneClient dataPlane;
  private final RemoteReceiver.Timeouts timeouts;

  /**
   * @param local the sinks of this node
   * @param localSinks their names
   */
  ClusterReceiverDirectory(
      ReceiverDirectory local,
      Set<String> localSinks,
      EndpointFinder finder,
      EndpointClient client,
      DataPlaneClient dataPlane,
      RemoteReceiver.Timeouts timeouts) {
    this.local = Objects.requireNonNull(local, "local");
    this.localSinks = Set.copyOf(localSinks);
    this.finder = Objects.requireNonNull(finder, "finder");
    this.client = Objects.requireNonNull(client, "client");
    this.dataPlane = Objects.requireNonNull(dataPlane, "dataPlane");
    this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
  }

  /**
   * {@inheritDoc}
   *
   * <p>A remote sink decides by the certificate of this node, so {@code identity} must be this
   * node's name.
   */
  @Override
  public Receiver receiver(String sinkJob, String identity) {
    if (localSinks.contains(sinkJob)) {
      return local.receiver(sinkJob, identity);
    }
    PeerAddress peer = finder.find(EndpointBindings.Role.SINK, sinkJob);
    String whom = "sink " + sinkJob + " on node " + peer.identity();
    EndpointReply reply =
        client.call(
            peer,
            new EndpointRequest.DescribeSink(sinkJob),
            EndpointFinder.LOOKUP_TIMEOUT,
            whom,
            "where it receives");
    if (reply instanceof EndpointReply.SinkDescribed described) {
      return new RemoteReceiver(
          client, peer, sinkJob, described.root(), described.resumes(), dataPlane, timeouts);
    }
    throw describeRefused(reply, whom);
  }

  /** A refusal of the description is the sink's word on this node: said as it was, no more. */
  static RuntimeException describeRefused(EndpointReply reply, String whom) {
    if (reply instanceof EndpointReply.Refused refused) {
      return new org.zfleet.endpoint.AccessRefused(
          refused.identity(), refused.dataset(), refused.reason());
    }
    return EndpointClient.unexpected(reply, whom, "a description");
  }
}
