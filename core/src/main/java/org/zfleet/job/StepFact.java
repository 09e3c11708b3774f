package org.zfleet.job;

import java.time.Instant;
import java.util.Objects;

/**
 * A typed fact a finished step reports besides its one-line summary, for metrics and freshness:
 * what was taken, destroyed, or where a replica now stands.
 */
public sealed interface StepFact {

  /** {@code count} snapshots named {@code name} were taken (one per filesystem). */
  record SnapshotsTaken(String name, int count) implements StepFact {
    public SnapshotsTaken {
      Objects.requireNonNull(name, "name");
    }
  }

  /** {@code count} snapshots were destroyed on one side ("sender" or "receiver"). */
  record SnapshotsDestroyed(String side, int count) implements StepFact {
    public SnapshotsDestroyed {
      Objects.requireNonNull(side, "side");
    }
  }

  /**
   * The replica of the step's filesystem at the step's destination now holds {@code snapshot},
   * created on the sender at {@code created}: the newest snapshot the destination has, whether this
   * step sent it or found it up to date.
   */
  record ReplicaAt(String snapshot, Instant created) implements StepFact {
    public ReplicaAt {
      Objects.requireNonNull(snapshot, "snapshot");
      Objects.requireNonNull(created, "created");
    }
  }
}
