package org.zfleet.prune;

import java.util.List;

/**
 * Counts of one evaluation, and the names that did not parse (kept, and to be reported).
 *
 * @param versions every entry evaluated (snapshots and any bookmarks)
 * @param unparseableNames names with the job's prefix whose timestamp does not parse, in list order
 */
public record PruneSummary(int versions, int kept, int destroyed, List<String> unparseableNames) {

  public PruneSummary {
    unparseableNames = List.copyOf(unparseableNames);
    if (kept < 0 || destroyed < 0 || kept + destroyed != versions) {
      throw new IllegalArgumentException(
          "kept " + kept + " + destroyed " + destroyed + " must equal " + versions);
    }
  }
}
