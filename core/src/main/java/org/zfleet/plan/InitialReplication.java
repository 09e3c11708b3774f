package org.zfleet.plan;

/** What to send to a receiver that has no snapshot of the filesystem yet. */
public enum InitialReplication {
  /**
   * A full send of the oldest snapshot the job replicates, then incremental steps up to the newest.
   */
  ALL,
  /** A full send of the newest snapshot the job replicates only. */
  MOST_RECENT,
  /** Nothing: the plan is a conflict, for receivers that must be seeded by hand. */
  FAIL
}
