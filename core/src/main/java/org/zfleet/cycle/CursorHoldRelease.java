package org.zfleet.cycle;

import java.util.List;
import java.util.Optional;
import org.zfleet.cycle.FilesystemView.DestinationView;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.BaseProtection;

/**
 * Which holds of a destination's cursor tag a push job lets go: a snapshot is held under that tag
 * from the cycle that sends it until the cursor has moved past it. Found from the listing alone
 * (its hold counts), so holds that a crash or a failed step left are found the same way.
 */
final class CursorHoldRelease {

  private CursorHoldRelease() {}

  /**
   * The held snapshots of {@code fs} older than the cursor of {@code destination}, less the newest
   * snapshot it shares with the replica (the next incremental base, should the cursor be ahead of
   * it). Where the cursor is kept as a bookmark, its snapshot too, and the shared one when a cursor
   * bookmark stands for it: holds were needed only while the step ran. None while the cursor is
   * unknown: then nothing says which holds are no longer needed.
   */
  static List<FilesystemVersion> passed(
      SenderFilesystem fs, DestinationView.Reachable destination) {
    if (fs.heldSnapshots().isEmpty()) {
      return List.of();
    }
    Optional<FilesystemVersion> cursor = cursor(fs, destination.name());
    if (cursor.isEmpty()) {
      return List.of();
    }
    List<FilesystemVersion> replica =
        destination.replica().map(ReplicaDataset::versions).orElse(List.of());
    Optional<Long> base =
        BaseProtection.newestCommon(fs.versions(), replica)
            .map(c -> c.onSender().guid())
            .filter(guid -> fs.cursorBookmark(destination.name(), guid).isEmpty());
    long txg = cursor.get().createTxg();
    boolean bookmarked = fs.cursorBookmark(destination.name(), cursor.get().guid()).isPresent();
    return fs.versions().stream()
        .filter(FilesystemVersion::isSnapshot)
        .filter(v -> v.createTxg() < txg || (bookmarked && v.createTxg() == txg))
        .filter(v -> fs.heldSnapshots().contains(v.name()))
        .filter(v -> base.isEmpty() || v.guid() != base.get())
        .toList();
  }

  /** The cursor's version: its snapshot, else its bookmark (the snapshot was destroyed). */
  private static Optional<FilesystemVersion> cursor(SenderFilesystem fs, String destination) {
    Optional<String> value = fs.marksFor(destination).cursor();
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      long guid = Long.parseUnsignedLong(value.get().strip());
      return fs.versions().stream().filter(v -> v.guid() == guid).findFirst();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
