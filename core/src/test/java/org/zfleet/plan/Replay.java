package org.zfleet.plan;

import java.util.ArrayList;
import java.util.List;
import org.zfleet.model.FilesystemVersion;

/**
 * Applies plan steps to version lists the way ZFS would, refusing what ZFS refuses: a full stream
 * into a dataset with snapshots, an incremental stream whose base is not the receiver's newest
 * snapshot. {@code -I} brings every sender snapshot after its base with its guid; {@code -i} only
 * the target. Received snapshots get the receiver pool's own createtxg.
 */
final class Replay {

  /** The receiver's versions afterwards, and the snapshots received in order. */
  record Result(List<FilesystemVersion> receiver, List<FilesystemVersion> received) {}

  private Replay() {}

  static Result apply(
      List<FilesystemVersion> sender, List<FilesystemVersion> receiver, List<Step> steps) {
    List<FilesystemVersion> after = new ArrayList<>(VersionOrder.ordered(receiver));
    List<FilesystemVersion> received = new ArrayList<>();
    List<FilesystemVersion> orderedSender = VersionOrder.ordered(sender);
    long nextTxg = after.stream().mapToLong(FilesystemVersion::createTxg).max().orElse(0) + 1;
    for (Step step : steps) {
      List<FilesystemVersion> snapshots = VersionOrder.snapshots(after);
      if (!orderedSender.contains(step.to())
          || step.from().filter(f -> !orderedSender.contains(f)).isPresent()) {
        throw new AssertionError(step + " names a version the sender does not have");
      }
      List<FilesystemVersion> incoming = new ArrayList<>();
      if (step.flag() == Step.Flag.FULL) {
        if (!snapshots.isEmpty()) {
          throw new AssertionError(
              "full receive of " + step.to() + " into a dataset with snapshots " + snapshots);
        }
        incoming.add(step.to());
      } else {
        FilesystemVersion base = step.from().orElseThrow();
        if (snapshots.isEmpty() || snapshots.get(snapshots.size() - 1).guid() != base.guid()) {
          throw new AssertionError(
              step + " but the receiver's newest snapshot is not its base: " + snapshots);
        }
        if (step.flag() == Step.Flag.INTERMEDIATE) {
          for (FilesystemVersion v : orderedSender) {
            if (v.isSnapshot()
                && v.createTxg() > base.createTxg()
                && v.createTxg() <= step.to().createTxg()) {
              incoming.add(v);
            }
          }
        } else {
          incoming.add(step.to());
        }
      }
      for (FilesystemVersion v : incoming) {
        FilesystemVersion copy =
            FilesystemVersion.snapshot(v.name(), v.guid(), nextTxg++, v.creation());
        after.add(copy);
        received.add(v);
      }
    }
    return new Result(List.copyOf(after), List.copyOf(received));
  }
}
