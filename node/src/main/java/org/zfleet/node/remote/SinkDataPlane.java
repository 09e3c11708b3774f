package org.zfleet.node.remote;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.zfleet.config.SinkJob;
import org.zfleet.endpoint.AccessRefused;
import org.zfleet.endpoint.LocalReceiver;
import org.zfleet.model.DatasetName;
import org.zfleet.node.dataplane.Authorization;
import org.zfleet.node.dataplane.Authorizer;
import org.zfleet.node.dataplane.ReceiveHook;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.ZfsPort;

/**
 * The data plane's view of this node's sink jobs: a stream is accepted only for a sink that runs
 * here, from a node (as its certificate names it) among the sink's clients, into a dataset below
 * {@code <root-fs>/<that node>}; it is received as a replica. The checks are {@link
 * LocalReceiver}'s, the same as for every other request of the sink's clients.
 */
public final class SinkDataPlane implements Authorizer, ReceiveHook {

  private final String node;
  private final ZfsPort zfs;
  private final Transfers transfers;
  private final Map<String, SinkJob> sinks = new LinkedHashMap<>();

  public SinkDataPlane(String node, ZfsPort zfs, List<SinkJob> sinks, Transfers transfers) {
    this.node = node;
    this.zfs = zfs;
    this.transfers = transfers;
    sinks.forEach(sink -> this.sinks.put(sink.name(), sink));
  }

  @Override
  public Authorization authorize(NodeIdentity peer, TransferHeader header) {
    if (header.kind() != TransferHeader.Kind.RECEIVE) {
      return Authorization.refused("node " + node + " only receives streams");
    }
    SinkJob sink = sinks.get(header.job());
    if (sink == null) {
      return Authorization.refused(
          "no sink job named "
              + header.job()
              + " runs on node "
              + node
              + (sinks.isEmpty()
                  ? ""
                  : " (sinks here: " + String.join(", ", sinks.keySet()) + ")"));
    }
    LocalReceiver receiver;
    try {
      receiver = receiver(sink, peer);
    } catch (AccessRefused e) {
      return Authorization.refused(e.getMessage());
    }
    DatasetName target = header.target();
    DatasetName root = receiver.root();
    if (!target.isWithin(root) || target.equals(root)) {
      return Authorization.refused(
          "refused "
              + peer
              + " access to \""
              + target
              + "\": "
              + (target.equals(root)
                  ? "the client's root holds placeholders only"
                  : "outside " + root));
    }
    return Authorization.allowed();
  }

  /**
   * Starts {@code zfs receive} into the header's target, checked again by {@link LocalReceiver}.
   */
  @Override
  public ReceiveProcess open(NodeIdentity peer, TransferHeader header) {
    SinkJob sink = sinks.get(header.job());
    if (sink == null) {
      throw new IllegalStateException(
          "no sink job named " + header.job() + " runs on node " + node);
    }
    ReceiveRequest request =
        new ReceiveRequest(header.target(), header.force(), ReceiverLayout.replicaProperties());
    // Resumable where the client asks and this node's ZFS can: a cut stream keeps what arrived.
    if (header.resumable() && zfs.capabilities().resumableReceive()) {
      request = request.asResumable();
    }
    return receiver(sink, peer).receive(request);
  }

  private LocalReceiver receiver(SinkJob sink, NodeIdentity peer) {
    return new LocalReceiver(
        zfs, sink.name(), sink.rootFs(), Set.copyOf(sink.clients()), peer.name(), transfers);
  }
}
