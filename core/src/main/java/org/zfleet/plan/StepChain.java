package org.zfleet.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.zfleet.model.FilesystemVersion;

/**
 * The incremental steps from a base through every newer sender snapshot the job replicates, in one
 * pass. A run of consecutive replicated snapshots costs one {@code -I} step; a snapshot the job
 * does not replicate is jumped with {@code -i}, because {@code -I} would carry it along.
 */
final class StepChain {

  private StepChain() {}

  /**
   * @param base a snapshot or bookmark of the sender
   * @param orderedSender the sender's versions, oldest first
   */
  static List<Step> after(
      FilesystemVersion base,
      List<FilesystemVersion> orderedSender,
      Predicate<FilesystemVersion> replicates) {
    List<FilesystemVersion> newer = new ArrayList<>();
    for (FilesystemVersion version : orderedSender) {
      if (version.isSnapshot() && version.createTxg() > base.createTxg()) {
        newer.add(version);
      }
    }
    List<Step> steps = new ArrayList<>();
    FilesystemVersion current = base;
    // True when a snapshot the job does not replicate lies between current and the next run.
    boolean skipped = false;
    int i = 0;
    while (i < newer.size()) {
      if (!replicates.test(newer.get(i))) {
        skipped = true;
        i++;
        continue;
      }
      int end = i;
      while (end + 1 < newer.size() && replicates.test(newer.get(end + 1))) {
        end++;
      }
      FilesystemVersion first = newer.get(i);
      FilesystemVersion last = newer.get(end);
      if (!skipped && current.isSnapshot() && end > i) {
        steps.add(Step.intermediate(current, last));
      } else {
        // -I cannot start at a bookmark nor jump an excluded snapshot: reach the run with -i first.
        steps.add(Step.incremental(current, first));
        if (end > i) {
          steps.add(Step.intermediate(first, last));
        }
      }
      current = last;
      skipped = false;
      i = end + 1;
    }
    return steps;
  }
}
