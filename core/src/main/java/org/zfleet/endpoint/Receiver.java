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
 * The receiving side of a replication as the steps see it: a sink job here or on another node. It
 * accepts writes only under {@link #root()}, which is {@code <root-fs>/<client identity>}, and
 * refuses anything else with {@link AccessRefused}.
 */
public interface Receiver {

  /** {@code <root-fs>/<client identity>}: everything this client may write lies below it. */
  DatasetName root();

  /**
   * The datasets under {@link #root()} (root included, if it exists) with versions and properties.
   */
  List<DatasetListing> list(Set<String> userProperties);

  /** Creates an empty, unmounted placeholder filesystem (and missing parents up to the root). */
  void createPlaceholder(DatasetName dataset, Map<String, String> properties);

  /**
   * Receives {@code send}'s stream per {@code request}: through a local byte path here, over the
   * data plane for a sink on another node. The transfer owns {@code send} from here on and kills it
   * on any failure.
   */
  RunningTransfer receiveFrom(
      SendProcess send, ReceiveRequest request, TransferOptions options, ProgressListener listener);

  /** Prunes one receiver snapshot (never forced). */
  void destroySnapshot(SnapshotName snapshot);

  /**
   * Prunes several receiver snapshots of one filesystem (never forced), each failure kept with its
   * name: one {@code zfs destroy fs@a,b,c} where the ZFS takes a list, one at a time otherwise (and
   * here, by default, for endpoints that only destroy one at a time).
   */
  default DestroyResult destroySnapshots(DatasetName filesystem, List<String> snapshots) {
    return DestroyResult.oneByOne(filesystem, snapshots, this::destroySnapshot);
  }

  void setUserProperty(String datasetOrSnapshot, String property, String value);

  /**
   * Whether receives here can be resumable ({@code receive -s}): this side's ZFS has them and the
   * receiving side says it can (a sink on another node, when it describes itself).
   */
  default boolean resumes() {
    return false;
  }

  /** The resume token an interrupted resumable receive left on {@code target}, if any. */
  default Optional<ResumeToken> resumeToken(DatasetName target) {
    return Optional.empty();
  }

  /** {@code zfs receive -A}: discards the partial state of an interrupted receive. */
  default void abortResumableReceive(DatasetName target) {
    throw new ZfsException.Unsupported("this receiver has no resumable receive", List.of(), "");
  }
}
