package org.zfleet.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.job.ExpectedWait;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepFact;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.prune.PruneOutcome;
import org.zfleet.zfs.DestroyResult;
import org.zfleet.zfs.ZfsException;

/**
 * Prunes one filesystem on one side by the planner's decisions: destroys what they do not keep,
 * never forced, in one {@code zfs destroy fs@a,b,c} where that side's ZFS takes a list (OpenZFS),
 * one snapshot at a time otherwise. A snapshot that is busy or held is reported and left for the
 * next cycle (the others still go); a refusal (a missing replication cursor) destroys nothing and
 * fails the step so the operator sees it.
 */
public final class PruneFilesystem implements StepWork {

  private static final Logger log = LoggerFactory.getLogger(PruneFilesystem.class);

  private final String side;
  private final DatasetName filesystem;
  private final PruneOutcome outcome;
  private final Destroyer destroy;
  private final Consumer<List<SnapshotName>> beforeDestroy;

  /** Destroys snapshots of one filesystem on one side: a local ZFS, or an endpoint. */
  @FunctionalInterface
  public interface Destroyer {
    DestroyResult destroy(DatasetName filesystem, List<String> snapshots);
  }

  /**
   * @param side "sender", "receiver SINK", "local"..., for reports
   * @param outcome what the keep rules decided for this cycle
   * @param destroy destroys snapshots on that side (a local ZFS, or a remote endpoint)
   */
  public PruneFilesystem(
      String side, DatasetName filesystem, PruneOutcome outcome, Destroyer destroy) {
    this(side, filesystem, outcome, destroy, doomed -> {});
  }

  /**
   * @param beforeDestroy runs once with every snapshot to destroy before the first is destroyed (a
   *     push job releases its cursor holds from them: the keep rules never doom a cursor or an
   *     incremental base, and a snapshot the cursor has passed stays held until the next cycle)
   */
  public PruneFilesystem(
      String side,
      DatasetName filesystem,
      PruneOutcome outcome,
      Destroyer destroy,
      Consumer<List<SnapshotName>> beforeDestroy) {
    this.side = side;
    this.filesystem = filesystem;
    this.outcome = outcome;
    this.destroy = destroy;
    this.beforeDestroy = beforeDestroy;
  }

  @Override
  public StepResult run(StepControl control) {
    control.progress().phase("evaluating keep rules");
    if (outcome instanceof PruneOutcome.Refused refused) {
      String message = "pruning of " + filesystem + " stopped: " + refused.message();
      if (refused.reason() == PruneOutcome.Refusal.REPLICATION_CURSOR_MISSING) {
        // The next successful replication sets the cursor; until then nothing is destroyed.
        throw new PruneWaitsForCursor(message);
      }
      throw new IllegalStateException(message);
    }
    PruneOutcome.Evaluated evaluated = (PruneOutcome.Evaluated) outcome;
    List<FilesystemVersion> doomed = evaluated.toDestroy();
    control.progress().phase("destroying " + doomed.size() + " snapshot(s)");
    control.checkCancelled();
    if (!doomed.isEmpty()) {
      beforeDestroy.accept(doomed.stream().map(v -> filesystem.snapshot(v.name())).toList());
    }
    List<String> names = doomed.stream().map(FilesystemVersion::name).toList();
    DestroyResult result =
        names.isEmpty()
            ? new DestroyResult(Set.of(), Map.of())
            : destroy.destroy(filesystem, names);
    int destroyed = 0;
    List<String> left = new ArrayList<>();
    ZfsException unexpected = null;
    for (String name : names) {
      ZfsException failure = result.failed().get(name);
      if (result.destroyed().contains(name)) {
        destroyed++;
        log.info("destroyed side={} snapshot=\"{}\"", side, filesystem.snapshot(name));
      } else if (failure instanceof ZfsException.Busy) {
        left.add(name + " (busy or held)");
      } else if (failure != null && !(failure instanceof ZfsException.NotFound)) {
        // NotFound: gone already, what we wanted. Anything else fails the step, once the
        // others are accounted for.
        unexpected = unexpected == null ? failure : unexpected;
      }
      control.progress().tick();
    }
    if (unexpected != null) {
      throw unexpected;
    }
    if (!evaluated.summary().unparseableNames().isEmpty()) {
      log.warn(
          "kept snapshots whose names do not parse side={} fs=\"{}\" names={}",
          side,
          filesystem,
          evaluated.summary().unparseableNames());
    }
    String summary =
        side + " " + filesystem + ": destroyed " + destroyed + ", kept " + evaluated.kept().size();
    if (!left.isEmpty()) {
      summary += ", left for next cycle: " + String.join(", ", left);
      log.warn(
          "could not destroy side={} fs=\"{}\" snapshots=\"{}\" (retried next cycle)",
          side,
          filesystem,
          String.join(", ", left));
    }
    return StepResult.of(summary)
        .with(
            new StepFact.SnapshotsDestroyed(
                side.startsWith("receiver") ? "receiver" : "sender", destroyed));
  }

  /**
   * Pruning waits for a replication cursor: before a filesystem's first replication to a
   * destination, or after its cursor was lost. A replication that fails is reported by its own
   * step; this one only says that nothing was pruned meanwhile.
   */
  public static final class PruneWaitsForCursor extends IllegalStateException
      implements ExpectedWait {
    public PruneWaitsForCursor(String message) {
      super(message);
    }
  }
}
