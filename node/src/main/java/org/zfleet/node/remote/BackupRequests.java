package org.zfleet.node.remote;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.zfleet.config.SinkJob;
import org.zfleet.endpoint.LocalReceiver;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.restore.BackupCatalog;
import org.zfleet.restore.Replica;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.SendRequest;
import org.zfleet.zfs.ZfsException;
import org.zfleet.zfs.ZfsPort;

/**
 * A sink's answers to a client asking for its own backups: what it holds below {@code
 * <root-fs>/<client>} (the client as its certificate names it; the same subtree it may write), and
 * sends of those replicas' snapshots back to the client's own data plane for a restore there. A
 * client never sees or reads another client's replicas; every name it gives is checked against the
 * sink's own listing of its subtree before it reaches {@code zfs}. The replica is only read.
 */
public final class BackupRequests {

  private final ZfsPort zfs;
  private final PeerSends sends;

  public BackupRequests(ZfsPort zfs, SourceRequests.Outbound outbound, PeerSteps steps) {
    this.zfs = zfs;
    this.sends = new PeerSends(outbound, steps);
  }

  EndpointReply answer(
      SinkJob sink, NodeIdentity peer, EndpointRequest.ToBackups request, EndpointRequests core) {
    // Refuses a caller that is not a client of the sink, and names its subtree.
    LocalReceiver receiver =
        new LocalReceiver(
            zfs,
            sink.name(),
            sink.rootFs(),
            Set.copyOf(sink.clients()),
            peer.name(),
            Transfers.none());
    List<Replica> replicas = replicas(sink, receiver.root());
    if (request instanceof EndpointRequest.ListBackups) {
      return new EndpointReply.Backups(replicas);
    }
    EndpointRequest.SendBackup send = (EndpointRequest.SendBackup) request;
    SnapshotName snapshot = SnapshotName.parse(String.valueOf(send.snapshot()));
    Optional<Replica> replica =
        replicas.stream().filter(r -> r.dataset().equals(snapshot.dataset())).findFirst();
    if (replica.isEmpty()) {
      return core.refuse(
          "sink",
          sink.name(),
          peer.name(),
          snapshot.toString(),
          "not a replica of " + peer.name() + " (below " + receiver.root() + ")");
    }
    Optional<FilesystemVersion> to = replica.get().snapshot(snapshot.name());
    if (to.isEmpty()) {
      return core.refuse("sink", sink.name(), peer.name(), snapshot.toString(), "no such snapshot");
    }
    Optional<FilesystemVersion> from = Optional.empty();
    if (send.from() != null) {
      // The replica's own version of the base, by guid: nothing of the request's reaches zfs.
      from =
          replica.get().snapshots().stream()
              .filter(v -> v.guid() == send.from().guid() && v.name().equals(send.from().name()))
              .findFirst();
      if (from.isEmpty() || from.get().createTxg() >= to.get().createTxg()) {
        return core.refuse(
            "sink",
            sink.name(),
            peer.name(),
            snapshot.toString(),
            "the base @" + send.from().name() + " is not an older snapshot of the replica");
      }
    }
    SendRequest sendRequest =
        from.isEmpty()
            ? SendRequest.full(snapshot)
            : send.intermediate()
                ? SendRequest.intermediate(from.get(), snapshot)
                : SendRequest.incremental(from.get(), snapshot);
    // The stream goes to the verified caller's node only: its certificate is checked on connect.
    PeerAddress address =
        new PeerAddress(peer, String.valueOf(send.dataPlaneHost()), send.dataPlanePort());
    TransferHeader header =
        TransferHeader.receive(
            String.valueOf(send.restore()),
            DatasetName.of(String.valueOf(send.target())),
            from.map(f -> f.name() + "..").orElse("") + snapshot.name());
    return sends.send(
        "sink", sink.name(), address, header, snapshot, () -> zfs.send(sendRequest), core);
  }

  /** The replicas below {@code root}: none before the client's first replication. */
  private List<Replica> replicas(SinkJob sink, DatasetName root) {
    try {
      return BackupCatalog.of(
              List.of(new BackupCatalog.ReceivingRoot(sink.name(), sink.rootFs())),
              zfs.list(List.of(root), Set.of()),
              zfs.spaceUsed(List.of(root)))
          .replicas();
    } catch (ZfsException.NotFound e) {
      return List.of();
    }
  }
}
