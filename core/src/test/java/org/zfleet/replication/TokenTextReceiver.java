package org.zfleet.replication;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.zfleet.endpoint.Receiver;
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

/**
 * A local sink as a sink on another node looks to the sender: a partial receive's token comes as
 * text and a byte count only, as over the data plane; {@code tamper} may replace the text with what
 * a modified sink could send. Counts the aborts of partial receives it was asked for.
 */
final class TokenTextReceiver implements Receiver {

  private final Receiver local;
  private final UnaryOperator<String> tamper;
  int aborts;

  TokenTextReceiver(Receiver local, UnaryOperator<String> tamper) {
    this.local = local;
    this.tamper = tamper;
  }

  @Override
  public Optional<ResumeToken> resumeToken(DatasetName target) {
    return local
        .resumeToken(target)
        .map(
            t ->
                new ResumeToken(
                    tamper.apply(t.token()),
                    OptionalLong.empty(),
                    Optional.empty(),
                    OptionalLong.empty(),
                    t.bytes()));
  }

  @Override
  public void abortResumableReceive(DatasetName target) {
    aborts++;
    local.abortResumableReceive(target);
  }

  @Override
  public boolean resumes() {
    return local.resumes();
  }

  @Override
  public DatasetName root() {
    return local.root();
  }

  @Override
  public List<DatasetListing> list(Set<String> userProperties) {
    return local.list(userProperties);
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
    return local.receiveFrom(send, request, options, listener);
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
}
