package org.zfleet.cycle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
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

  /**
   * Readies a push job's cycle before its replications run, for all its filesystems at once (a few
   * zfs commands in all, none per filesystem): per destination, creates the missing placeholder
   * parents (parents first), holds the snapshots the cycle's replications send and move the cursor
   * to under that destination's cursor tag, and releases the tag from snapshots its cursor has
   * moved past. Its replications then only send, receive and record the cursor.
   */
  record Prepare(
      Map<String, List<DatasetName>> placeholders,
      Map<String, Snapshots> hold,
      Map<String, Snapshots> release)
      implements StepSpec {
    public Prepare {
      Map<String, List<DatasetName>> made = new LinkedHashMap<>();
      placeholders.forEach(
          (k, v) -> {
            if (!v.isEmpty()) {
              made.put(k, List.copyOf(v));
            }
          });
      placeholders = java.util.Collections.unmodifiableMap(made);
      hold = nonEmpty(hold);
      release = nonEmpty(release);
    }

    public boolean isEmpty() {
      return placeholders.isEmpty() && hold.isEmpty() && release.isEmpty();
    }

    private static Map<String, Snapshots> nonEmpty(Map<String, Snapshots> map) {
      Map<String, Snapshots> out = new LinkedHashMap<>();
      map.forEach(
          (k, v) -> {
            if (!v.isEmpty()) {
              out.put(k, v);
            }
          });
      return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * Snapshots to hold or release: whole subtrees in one recursive command each ({@code
     * recursive}: the root's snapshot and every snapshot of that name it stands for, which are held
     * one by one should the recursive command fail), and the rest by name ({@code each}).
     */
    public record Snapshots(
        Map<SnapshotName, List<SnapshotName>> recursive, List<SnapshotName> each) {
      public Snapshots {
        Map<SnapshotName, List<SnapshotName>> copy = new LinkedHashMap<>();
        recursive.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        recursive = java.util.Collections.unmodifiableMap(copy);
        each = List.copyOf(each);
      }

      public boolean isEmpty() {
        return recursive.isEmpty() && each.isEmpty();
      }

      /** How many snapshots in all. */
      public int count() {
        return each.size() + recursive.values().stream().mapToInt(List::size).sum();
      }
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
