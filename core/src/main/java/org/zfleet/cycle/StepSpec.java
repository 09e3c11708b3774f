package org.zfleet.cycle;

import java.util.List;
import java.util.Objects;
import org.zfleet.model.DatasetName;
import org.zfleet.prune.PruneOutcome;

/**
 * One step of a job's cycle as data: what it will do, decided by the {@link CyclePlanner} before
 * anything runs. A step runner carries it out against the ports; a dry run prints it.
 */
public sealed interface StepSpec {

  /** The destination the step is for (a sink or a source), or "" for the others. */
  default String destination() {
    return "";
  }

  /** Lists the job's filesystems and each destination once. */
  record ListJob() implements StepSpec {}

  /** Takes the cycle's snapshot {@code name} of every filesystem of the listing. */
  record Snapshot(String name, List<DatasetName> filesystems) implements StepSpec {
    public Snapshot {
      Objects.requireNonNull(name, "name");
      filesystems = List.copyOf(filesystems);
    }
  }

  /** The snapshot step has nothing to take this cycle, and says why. */
  record NoSnapshot(String reason) implements StepSpec {
    public NoSnapshot {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Replicates one filesystem to {@code destination} by {@code plan}. */
  record Replicate(String destination, ReplicationPlan plan) implements StepSpec {
    public Replicate {
      Objects.requireNonNull(destination, "destination");
      Objects.requireNonNull(plan, "plan");
    }
  }

  /**
   * The replication to {@code destination} cannot be attempted this cycle (its sink is not
   * reachable): the step waits, says for what, and is retried.
   */
  record Wait(String destination, String reason) implements StepSpec {
    public Wait {
      Objects.requireNonNull(destination, "destination");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Prunes the sending side (a snap job's only side) of {@code filesystem}: destroys what {@code
   * outcome} does not keep, or refuses.
   *
   * @param side how reports name the side ("sender", "local", "sender NODE")
   */
  record PruneSender(String side, DatasetName filesystem, PruneOutcome outcome)
      implements StepSpec {
    public PruneSender {
      Objects.requireNonNull(side, "side");
      Objects.requireNonNull(filesystem, "filesystem");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /** Prunes the replica {@code filesystem} at {@code destination}. */
  record PruneReceiver(
      String destination, String side, DatasetName filesystem, PruneOutcome outcome)
      implements StepSpec {
    public PruneReceiver {
      Objects.requireNonNull(destination, "destination");
      Objects.requireNonNull(side, "side");
      Objects.requireNonNull(filesystem, "filesystem");
      Objects.requireNonNull(outcome, "outcome");
    }
  }
}
