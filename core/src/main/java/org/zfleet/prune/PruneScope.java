package org.zfleet.prune;

import java.util.Objects;
import org.zfleet.schedule.SnapshotNaming;

/**
 * Which snapshots a job's keep rules may judge ({@code pruning { scope = ... } }). Snapshots
 * outside the scope are kept, with that reason.
 */
public sealed interface PruneScope {

  /** The default: only snapshots this job names itself ({@code <prefix><timestamp>}). */
  static PruneScope own(SnapshotNaming naming) {
    return new Own(naming);
  }

  /** Every snapshot of the filesystem, whoever took it, as zrepl does. */
  static PruneScope all() {
    return new All();
  }

  /**
   * Only names this job gives. A name with the job's prefix whose timestamp does not parse is kept
   * and reported, never judged: it is not certain this job took it.
   */
  record Own(SnapshotNaming naming) implements PruneScope {
    public Own {
      Objects.requireNonNull(naming, "naming");
    }
  }

  /** Every snapshot. */
  record All() implements PruneScope {}
}
