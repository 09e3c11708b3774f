package org.zfleet.job;

import java.util.OptionalLong;
import org.zfleet.cycle.FilesystemView;
import org.zfleet.cycle.StepSpec;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.ReceiverState;

/**
 * How a filesystem supervisor judges whether a cycle's listing is still good for it: which of its
 * steps may have changed what a listing shows, and whether a listing it cannot use shows snapshots
 * it has not seen.
 */
final class CycleFreshness {

  private CycleFreshness() {}

  /**
   * Whether a step that ended so may have changed the filesystem's state on either side: any
   * failure but an expected wait (a failed receive may have been committed), a replication that
   * sent something or moved the cursor, a pruning that destroyed something. A wait for an
   * unreachable sink changes nothing.
   */
  static boolean mayHaveChanged(StepSpec spec, StepActor.Report report) {
    if (spec instanceof StepSpec.Wait) {
      return false;
    }
    if (report instanceof StepActor.Failed failed) {
      return !(failed.cause() instanceof ExpectedWait);
    }
    StepResult result = ((StepActor.Finished) report).result();
    if (spec instanceof StepSpec.Replicate) {
      return result
          .output()
          .map(
              o ->
                  !(o instanceof StepOutput.Replicated r)
                      || !r.effect().done().isEmpty()
                      || r.effect().cursor().isPresent())
          .orElse(true);
    }
    if (spec instanceof StepSpec.PruneSender || spec instanceof StepSpec.PruneReceiver) {
      return result.facts().stream()
          .anyMatch(f -> f instanceof StepFact.SnapshotsDestroyed d && d.count() > 0);
    }
    return true;
  }

  /**
   * Whether the replica exists at the destination after a replication that ended so: it existed
   * before, or the step received something. Only then may children that wait for it go.
   */
  static boolean replicaExists(StepSpec spec, StepResult result) {
    if (!(spec instanceof StepSpec.Replicate r)) {
      return false;
    }
    if (r.plan().receiverState() != ReceiverState.ABSENT) {
      return true;
    }
    return result.output().orElse(null) instanceof StepOutput.Replicated done
        && !done.effect().done().isEmpty();
  }

  /** Whether {@code listed} shows a sender snapshot newer than every one {@code own} knows. */
  static boolean hasNewerSnapshots(FilesystemView listed, FilesystemView own) {
    OptionalLong newestOwn = newest(own);
    OptionalLong newestListed = newest(listed);
    return newestListed.isPresent()
        && (newestOwn.isEmpty() || newestListed.getAsLong() > newestOwn.getAsLong());
  }

  private static OptionalLong newest(FilesystemView view) {
    return view.sender().versions().stream()
        .filter(FilesystemVersion::isSnapshot)
        .mapToLong(FilesystemVersion::createTxg)
        .max();
  }
}
