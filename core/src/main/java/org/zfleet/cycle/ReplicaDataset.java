package org.zfleet.cycle;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;

/**
 * A dataset on a receiver: its versions, its local {@code zfleet:role}, if any, whether it holds an
 * interrupted resumable receive ({@code partialReceive}), and whether the receiving node's own
 * listing found it an inert replica ({@code listedInert}: unmounted or read-only, as receives leave
 * a replica; never said of a dataset known only from what a step did, nor from a peer's listing).
 */
public record ReplicaDataset(
    DatasetName name,
    List<FilesystemVersion> versions,
    Optional<String> role,
    boolean partialReceive,
    boolean listedInert) {

  /** A dataset without a partial receive, not known to be inert. */
  public ReplicaDataset(DatasetName name, List<FilesystemVersion> versions, Optional<String> role) {
    this(name, versions, role, false, false);
  }

  /**
   * A filesystem a cut full receive was creating: no snapshot yet, only the partial state that the
   * next attempt continues (or aborts). It is not yet a replica, nor anyone else's dataset.
   */
  public boolean onlyPartiallyReceived() {
    return partialReceive && versions.stream().noneMatch(FilesystemVersion::isSnapshot);
  }

  public ReplicaDataset {
    Objects.requireNonNull(name, "name");
    versions = List.copyOf(versions);
    Objects.requireNonNull(role, "role");
  }
}
