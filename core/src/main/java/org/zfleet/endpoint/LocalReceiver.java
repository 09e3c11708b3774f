package org.zfleet.endpoint;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.DestroyResult;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.ResumeToken;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.ZfsPort;

/**
 * A sink's receiving side on this node, for one client identity: every write is checked to lie
 * under {@code <root-fs>/<identity>}. Remote sinks serve the same checks on their own node.
 */
public final class LocalReceiver implements Receiver {

  private static final Logger log = LoggerFactory.getLogger(LocalReceiver.class);

  private final ZfsPort zfs;
  private final String sinkJob;
  private final String identity;
  private final DatasetName root;
  private final Transfers transfers;

  /**
   * @throws AccessRefused if {@code identity} is not among the sink's clients
   */
  public LocalReceiver(
      ZfsPort zfs,
      String sinkJob,
      DatasetName rootFs,
      Set<String> clients,
      String identity,
      Transfers transfers) {
    String problem = DatasetName.componentProblem(identity);
    if (problem != null) {
      throw refuse(
          sinkJob,
          identity,
          rootFs.value(),
          "client identity is not a valid dataset component: " + problem);
    }
    if (!clients.contains(identity)) {
      throw refuse(
          sinkJob, identity, rootFs.child(identity).value(), "not a client of sink " + sinkJob);
    }
    this.zfs = zfs;
    this.sinkJob = sinkJob;
    this.identity = identity;
    this.root = rootFs.child(identity);
    this.transfers = transfers;
  }

  @Override
  public DatasetName root() {
    return root;
  }

  /**
   * This node's own listing of the client's subtree, with each filesystem's receive state: an
   * increment into a replica the listing found inert asks zfs nothing more before the receive.
   */
  @Override
  public List<DatasetListing> list(Set<String> userProperties) {
    Set<String> asked = new HashSet<>(userProperties);
    asked.addAll(DatasetListing.RECEIVE_STATE);
    // Where receives are resumable, the listing says which targets hold a cut one: a filesystem a
    // cut full receive was creating is then continued, not taken for someone else's.
    if (zfs.capabilities().resumableReceive()) {
      asked.add(DatasetListing.RESUME_TOKEN);
    }
    return zfs.list(List.of(root), asked);
  }

  @Override
  public void createPlaceholder(DatasetName dataset, Map<String, String> properties) {
    check(dataset);
    zfs.createFilesystem(dataset, properties, true);
  }

  @Override
  public RunningTransfer receiveFrom(
      SendProcess send,
      ReceiveRequest request,
      TransferOptions options,
      ProgressListener listener) {
    ReceiveProcess receive;
    try {
      receive = receive(request);
    } catch (RuntimeException e) {
      send.kill();
      throw e;
    }
    return transfers.start(send, receive, options, listener);
  }

  /** Starts {@code zfs receive} for the request, checked against this client's subtree. */
  public ReceiveProcess receive(ReceiveRequest request) {
    check(request.target());
    if (request.target().equals(root)) {
      throw refuse(
          sinkJob, identity, request.target().value(), "the client's root holds placeholders only");
    }
    return zfs.receive(request);
  }

  @Override
  public void destroySnapshot(SnapshotName snapshot) {
    check(snapshot.dataset());
    zfs.destroySnapshot(snapshot);
  }

  @Override
  public boolean resumes() {
    return zfs.capabilities().resumableReceive();
  }

  @Override
  public Optional<ResumeToken> resumeToken(DatasetName target) {
    check(target);
    return zfs.resumeToken(target);
  }

  @Override
  public void abortResumableReceive(DatasetName target) {
    check(target);
    zfs.abortResumableReceive(target);
  }

  @Override
  public DestroyResult destroySnapshots(DatasetName filesystem, List<String> snapshots) {
    check(filesystem);
    return zfs.destroySnapshots(filesystem, snapshots);
  }

  @Override
  public void setUserProperty(String datasetOrSnapshot, String property, String value) {
    String dataset =
        datasetOrSnapshot.contains("@")
            ? SnapshotName.parse(datasetOrSnapshot).dataset().value()
            : datasetOrSnapshot;
    check(DatasetName.of(dataset));
    // A client may mark its replicas and keep them from mounting, nothing more: a mountpoint or
    // canmount=on, say, set by a peer could mount its data anywhere on this node.
    boolean allowed =
        property.startsWith("zfleet:")
            || (property.equals("canmount") && (value.equals("off") || value.equals("noauto")));
    if (!allowed) {
      throw refuse(
          sinkJob,
          identity,
          datasetOrSnapshot,
          "property " + property + " is not one a client may set");
    }
    zfs.setUserProperty(datasetOrSnapshot, property, value);
  }

  private void check(DatasetName dataset) {
    if (!dataset.isWithin(root)) {
      throw refuse(sinkJob, identity, dataset.value(), "outside " + root);
    }
  }

  private static AccessRefused refuse(String sinkJob, String identity, String dataset, String why) {
    log.warn(
        "refused sink={} identity={} dataset=\"{}\" reason=\"{}\"",
        sinkJob,
        identity,
        dataset,
        why);
    return new AccessRefused(identity, dataset, why);
  }
}
