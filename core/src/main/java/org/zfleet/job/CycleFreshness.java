package org.zfleet.job;

import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.zfleet.cycle.FilesystemView;
import org.zfleet.cycle.StepSpec;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.ReceiverState;

/**
 * What a filesystem supervisor knows of how fresh a cycle's listing is for its filesystem: the
 * newest listing the job has started, that number when its last step that changed something ended
 * (a listing started before then is older than that step), and where the replicated parent a first
 * receive waits for has arrived since. Actor-confined.
 */
final class CycleFreshness {

  /** The newest listing the job has started, as far as this supervisor knows. */
  private long listingsStarted;

  /** {@link #listingsStarted} when this filesystem's last step that changed something ended. */
  private long changedAfter;

  /** Replicas of filesystems above this one that have arrived, per destination. */
  private final Set<Arrival> arrived = new HashSet<>();

  private record Arrival(String destination, DatasetName replica) {}

  void listingStarted(long listing) {
    listingsStarted = Math.max(listingsStarted, listing);
  }

  /**
   * Whether a cycle planned from listing {@code listing} may run: it started after the last change.
   */
  boolean fresh(long listing) {
    return listing > changedAfter;
  }

  /** A step ended so: if it may have changed the filesystem, listings started so far are stale. */
  void stepEnded(StepSpec spec, StepActor.Report report) {
    if (mayHaveChanged(spec, report)) {
      changedAfter = listingsStarted;
    }
  }

  /** A step stopped without saying how it ended: it may have changed anything. */
  void stepLost() {
    changedAfter = listingsStarted;
  }

  /** The replica of a filesystem above this one has arrived at {@code destination}. */
  void parentArrived(String destination, DatasetName replica) {
    arrived.add(new Arrival(destination, replica));
  }

  /**
   * The step to run for {@code spec}: a first receive whose replicated ancestor has arrived goes
   * without waiting for it; one whose ancestor has not arrived (another one's arrival does not
   * count) runs nothing (empty) until it does.
   */
  Optional<StepSpec> admit(StepSpec spec) {
    if (spec instanceof StepSpec.Replicate r && r.plan().awaitParent().isPresent()) {
      return arrived.contains(new Arrival(r.destination(), r.plan().awaitParent().get()))
          ? Optional.of(new StepSpec.Replicate(r.destination(), r.plan().parentArrived()))
          : Optional.empty();
    }
    return Optional.of(spec);
  }

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
