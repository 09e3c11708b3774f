package org.zfleet.cycle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;

/**
 * Groups the snapshots a prepare step holds or releases into recursive commands: where a subtree
 * the job selects whole has the snapshot named at its root, and every snapshot of that name below
 * it is wanted too, one {@code zfs hold -r} (or {@code release -r}) at the root does them all. On
 * zfs-fuse that is one transaction instead of one per snapshot: a second for a thousand
 * filesystems, where naming them took fifteen.
 */
final class RecursiveHolds {

  private RecursiveHolds() {}

  /**
   * @param wanted the snapshots to hold (or release)
   * @param wholeSubtrees roots of subtrees every dataset of which the job selects
   * @param filesystems the job's filesystems with their versions, as listed
   */
  static StepSpec.Prepare.Snapshots group(
      Set<SnapshotName> wanted,
      Set<DatasetName> wholeSubtrees,
      Map<DatasetName, List<FilesystemVersion>> filesystems) {
    Set<SnapshotName> left = new LinkedHashSet<>(wanted);
    Map<SnapshotName, List<SnapshotName>> recursive = new LinkedHashMap<>();
    for (DatasetName root : wholeSubtrees) {
      for (SnapshotName candidate : new ArrayList<>(left)) {
        if (!candidate.dataset().equals(root) || !left.contains(candidate)) {
          continue;
        }
        List<SnapshotName> members = new ArrayList<>();
        boolean all = true;
        for (Map.Entry<DatasetName, List<FilesystemVersion>> fs : filesystems.entrySet()) {
          if (fs.getKey().isWithin(root) && has(fs.getValue(), candidate.name())) {
            SnapshotName member = fs.getKey().snapshot(candidate.name());
            if (!left.contains(member)) {
              all = false;
              break;
            }
            members.add(member);
          }
        }
        if (all) {
          recursive.put(candidate, members);
          left.removeAll(members);
        }
      }
    }
    return new StepSpec.Prepare.Snapshots(recursive, List.copyOf(left));
  }

  /** Whether the versions hold a snapshot of that name; a cycle's are the newest: from the end. */
  private static boolean has(List<FilesystemVersion> versions, String name) {
    for (int i = versions.size() - 1; i >= 0; i--) {
      FilesystemVersion v = versions.get(i);
      if (v.isSnapshot() && v.name().equals(name)) {
        return true;
      }
    }
    return false;
  }
}
