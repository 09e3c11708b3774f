package org.zfleet.node.remote;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ZfsPort;

/**
 * What a client's request may never destroy, on a sink or a source: the dataset's newest snapshot
 * (every replica's and every other client's common base begins there), and a snapshot with holds
 * (another client's cursor or a step in flight). The holds would stop {@code zfs destroy} anyway;
 * this says why, and holds even where a hold was lost.
 */
final class DestroyGuard {

  private DestroyGuard() {}

  /** Why {@code snapshot} must stay, or empty if a client may have it destroyed. */
  static Optional<String> problem(ZfsPort zfs, SnapshotName snapshot) {
    Optional<DatasetListing> listing =
        zfs.list(List.of(snapshot.dataset()), Set.of()).stream()
            .filter(d -> d.name().equals(snapshot.dataset()))
            .findFirst();
    Optional<FilesystemVersion> newest =
        listing.flatMap(
            l -> l.versions().stream().filter(FilesystemVersion::isSnapshot).reduce((a, b) -> b));
    if (newest.isPresent() && newest.get().name().equals(snapshot.name())) {
      return Optional.of(
          "the newest snapshot of " + snapshot.dataset() + " is never destroyed on request");
    }
    long holds = zfs.holds(snapshot).count();
    if (holds > 0) {
      return Optional.of(
          "held by " + holds + " hold(s): another client's cursor, or a step in flight");
    }
    return Optional.empty();
  }
}
