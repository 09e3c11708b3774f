package org.zfleet.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.zfleet.model.DatasetName;

/**
 * The {@code zfs snapshot} calls that take one cycle's snapshots of a job: one {@code zfs snapshot
 * -r} per topmost dataset whose whole subtree is selected, and the other selected datasets one by
 * one, or in batches (one per pool) where ZFS takes several snapshots per command. Nothing that is
 * not selected gets a snapshot, and every selected dataset gets exactly one.
 *
 * @param recursiveRoots datasets to snapshot with {@code -r}, sorted by name
 * @param batches datasets to snapshot without {@code -r}, one list per command, sorted by name
 */
public record SnapshotPlan(List<DatasetName> recursiveRoots, List<List<DatasetName>> batches) {

  public SnapshotPlan {
    recursiveRoots = List.copyOf(recursiveRoots);
    batches = batches.stream().map(List::copyOf).toList();
    if (batches.stream().anyMatch(List::isEmpty)) {
      throw new IllegalArgumentException("a snapshot batch must name at least one dataset");
    }
  }

  /**
   * Plans the calls for the selected datasets.
   *
   * @param wholeSubtreeSelected every selected dataset, mapped to true if it and all its
   *     descendants are selected
   * @param multipleSnapshotsPerCommand whether this ZFS takes several snapshots in one command
   *     (OpenZFS does, zfs-fuse does not); ZFS requires them to be in one pool
   * @throws IllegalArgumentException if a dataset is said not to have its whole subtree selected
   *     while an ancestor is said to have it (the two cannot both be true)
   */
  public static SnapshotPlan of(
      Map<DatasetName, Boolean> wholeSubtreeSelected, boolean multipleSnapshotsPerCommand) {
    TreeMap<DatasetName, Boolean> selected = new TreeMap<>(wholeSubtreeSelected);
    List<DatasetName> roots = new ArrayList<>();
    TreeMap<String, List<DatasetName>> singlesByPool = new TreeMap<>();
    for (Map.Entry<DatasetName, Boolean> entry : selected.entrySet()) {
      DatasetName dataset = entry.getKey();
      boolean whole = Objects.requireNonNull(entry.getValue(), () -> "subtree flag of " + dataset);
      Optional<DatasetName> coveringRoot = topmostWholeAncestor(dataset, selected);
      if (coveringRoot.isPresent()) {
        if (!whole) {
          throw new IllegalArgumentException(
              dataset
                  + " is selected without its whole subtree, but its ancestor "
                  + coveringRoot.get()
                  + " is selected with its whole subtree");
        }
        continue;
      }
      if (whole) {
        roots.add(dataset);
      } else {
        singlesByPool.computeIfAbsent(dataset.pool(), p -> new ArrayList<>()).add(dataset);
      }
    }
    List<List<DatasetName>> batches = new ArrayList<>();
    for (List<DatasetName> pool : singlesByPool.values()) {
      if (multipleSnapshotsPerCommand) {
        batches.add(pool);
      } else {
        pool.forEach(dataset -> batches.add(List.of(dataset)));
      }
    }
    return new SnapshotPlan(roots, batches);
  }

  /** The number of {@code zfs snapshot} commands this plan runs. */
  public int commandCount() {
    return recursiveRoots.size() + batches.size();
  }

  private static Optional<DatasetName> topmostWholeAncestor(
      DatasetName dataset, Map<DatasetName, Boolean> selected) {
    Optional<DatasetName> found = Optional.empty();
    for (Optional<DatasetName> a = dataset.parent(); a.isPresent(); a = a.get().parent()) {
      if (Boolean.TRUE.equals(selected.get(a.get()))) {
        found = a;
      }
    }
    return found;
  }
}
