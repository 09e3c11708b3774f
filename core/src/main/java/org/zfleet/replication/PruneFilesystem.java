package org.zfleet.replication;

import java.util.ArrayList;
import java.util.List;
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
import org.zfleet.zfs.ZfsException;

/**
 * Prunes one filesystem on one side by the planner's decisions: destroys what they do not keep, one
 * snapshot at a time, never forced. A snapshot that is busy or held is reported and left for the
 * next cycle; a refusal (a missing replication cursor) destroys nothing and fails the step so the
 * operator sees it.
 */
public final class PruneFilesystem implements StepWork {

  private static final Logger log = LoggerFactory.getLogger(PruneFilesystem.class);

  private final String side;
  private final DatasetName filesystem;
  private final PruneOutcome outcome;
  private final Consumer<SnapshotName> destroy;

  /**
   * @param side "sender", "receiver SINK", "local"..., for reports
   * @param outcome what the keep rules decided for this cycle
   * @param destroy destroys one snapshot on that side (a local ZFS, or a remote endpoint)
   */
  public PruneFilesystem(
      String side, DatasetName filesystem, PruneOutcome outcome, Consumer<SnapshotName> destroy) {
    this.side = side;
    this.filesystem = filesystem;
    this.outcome = outcome;
    this.destroy = destroy;
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
    int destroyed = 0;
    List<String> left = new ArrayList<>();
    for (FilesystemVersion version : doomed) {
      control.checkCancelled();
      SnapshotName snapshot = filesystem.snapshot(version.name());
      try {
        destroy.accept(snapshot);
        destroyed++;
        log.info("destroyed side={} snapshot=\"{}\"", side, snapshot);
      } catch (ZfsException.Busy e) {
        left.add(version.name() + " (busy or held)");
      } catch (ZfsException.NotFound e) {
        // Gone already: what we wanted.
      }
      control.progress().tick();
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
