package org.zfleet.endpoint;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.DestroyResult;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.ResumeToken;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.ZfsException;

/**
 * The receiving side of a pull job: {@code <root-fs>/<source node>} on this node, checked by a
 * {@link LocalReceiver}; the stream is one the source delivers ({@link RemoteSend}).
 */
public final class PullReceiver implements Receiver {

  private final LocalReceiver local;

  public PullReceiver(LocalReceiver local) {
    this.local = local;
  }

  @Override
  public DatasetName root() {
    return local.root();
  }

  /** The subtree, or nothing before the first pull created it. */
  @Override
  public List<DatasetListing> list(Set<String> userProperties) {
    try {
      return local.list(userProperties);
    } catch (ZfsException.NotFound e) {
      return List.of();
    }
  }

  @Override
  public void createPlaceholder(DatasetName dataset, Map<String, String> properties) {
    local.createPlaceholder(dataset, properties);
  }

  @Override
  public RunningTransfer receiveFrom(
      SendProcess send,
      ReceiveRequest request,
      TransferOptions options,
      ProgressListener listener) {
    if (!(send instanceof RemoteSend remote)) {
      send.kill();
      throw new IllegalArgumentException("a pull receives only streams its source delivers");
    }
    DatasetName target = request.target();
    if (!target.isWithin(root()) || target.equals(root())) {
      throw new AccessRefused(
          root().leaf(), target.value(), "outside the pulled subtree " + root());
    }
    return remote.deliver(request, options, listener);
  }

  @Override
  public void destroySnapshot(SnapshotName snapshot) {
    local.destroySnapshot(snapshot);
  }

  @Override
  public DestroyResult destroySnapshots(DatasetName filesystem, List<String> snapshots) {
    return local.destroySnapshots(filesystem, snapshots);
  }

  @Override
  public void setUserProperty(String datasetOrSnapshot, String property, String value) {
    local.setUserProperty(datasetOrSnapshot, property, value);
  }

  /** Where this node's ZFS can: a cut pull keeps what arrived, and its token stays here. */
  @Override
  public boolean resumes() {
    return local.resumes();
  }

  @Override
  public Optional<ResumeToken> resumeToken(DatasetName target) {
    return local.resumeToken(target);
  }

  @Override
  public void abortResumableReceive(DatasetName target) {
    local.abortResumableReceive(target);
  }
}
