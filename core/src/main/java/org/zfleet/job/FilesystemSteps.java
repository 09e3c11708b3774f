package org.zfleet.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.StepSpec;
import org.zfleet.model.DatasetName;

/**
 * A filesystem supervisor's bookkeeping of its steps: the current cycle and the steps of it still
 * to run, in order ({@link StepBook} for outcomes and backoff, {@link CycleFreshness} for how fresh
 * a listing is). The plan is the listing's, moved on by each replication since, and the pruning
 * still queued is planned again from it after each replication. No actor and no clock (time comes
 * in as an argument): the supervisor decides when, spawns the steps and keeps the timers.
 */
final class FilesystemSteps {

  private final StepBook book;
  private final CycleFreshness freshness = new CycleFreshness();
  private final Deque<StepSpec> queue = new ArrayDeque<>();
  private FilesystemCycle plan;
  private CyclePorts ports = CyclePorts.NONE;

  FilesystemSteps(Backoff backoff) {
    this.book = new StepBook(backoff);
  }

  /** Takes a cycle's plan and queues its steps. */
  void start(FilesystemCycle cycle, CyclePorts cyclePorts) {
    plan = cycle;
    ports = cyclePorts;
    queue.addAll(cycle.steps());
  }

  /** The cycle as known now; empty before the first. */
  Optional<FilesystemCycle> plan() {
    return Optional.ofNullable(plan);
  }

  CyclePorts ports() {
    return ports;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  void listingStarted(long listing) {
    freshness.listingStarted(listing);
  }

  /**
   * Whether a cycle listed as {@code listing} may run: listed after this filesystem's last step
   * that changed something ended, or the first.
   */
  boolean mayRun(long listing) {
    return freshness.fresh(listing) || plan == null;
  }

  /**
   * Whether a stale listing needs a fresh one: it holds snapshots this filesystem's own view lacks,
   * or it plans a replication (or a wait for its unreachable destination) whose last attempt failed
   * or waited. That cycle was the failed step's retry (its timer asked for it), and with it skipped
   * nothing else would try again before the next snapshot.
   */
  boolean needsFreshListing(FilesystemCycle listed) {
    return CycleFreshness.hasNewerSnapshots(listed.view(), plan.view())
        || listed.steps().stream()
            .anyMatch(
                s ->
                    StepKind.of(s) == StepKind.REPLICATE
                        && book.lastFailed(StepKind.REPLICATE, s.destination()));
  }

  /**
   * The next step whose turn it is, removed from the queue; null when none is left. A step in its
   * backoff is passed over; so is a first receive whose replicated parent has not arrived: that one
   * is recorded as waiting (without a process, for the job's word that the parent arrived) and told
   * to {@code waiting} with its destination and reason. Decided when the step's turn comes, so a
   * replication earlier in the same cycle can release a prune that was waiting for its cursor.
   */
  StepSpec next(Instant now, BiConsumer<String, String> waiting) {
    for (StepSpec next = queue.pollFirst(); next != null; next = queue.pollFirst()) {
      if (book.inBackoff(StepKind.of(next), next.destination(), now)) {
        continue;
      }
      Optional<StepSpec> admitted = freshness.admit(next);
      if (admitted.isEmpty()) {
        StepSpec.Replicate r = (StepSpec.Replicate) next;
        String reason = "waiting for " + r.plan().awaitParent().get() + " to be received first";
        book.failed(StepKind.REPLICATE, r.destination(), reason, false, true, now);
        waiting.accept(r.destination(), reason);
        continue;
      }
      return admitted.get();
    }
    return null;
  }

  /**
   * A step finished: records it, plans the pruning still to come again from a replication's effect.
   * Returns the retry keys whose backoff it ends, and tells {@code replicaAt} the destination and
   * replica a replication left there.
   */
  List<String> finished(
      StepSpec spec,
      StepActor.Finished finished,
      Instant now,
      BiConsumer<String, DatasetName> replicaAt) {
    freshness.stepEnded(spec, finished);
    StepKind kind = StepKind.of(spec);
    List<String> cleared =
        book.succeeded(kind, spec.destination(), finished.result().summary(), now);
    if (kind == StepKind.REPLICATE) {
      if (CycleFreshness.replicaExists(spec, finished.result())) {
        replicaAt.accept(spec.destination(), ((StepSpec.Replicate) spec).plan().target());
      }
      finished
          .result()
          .output()
          .filter(o -> o instanceof StepOutput.Replicated)
          .ifPresent(o -> replanAfter((StepOutput.Replicated) o));
    }
    return cleared;
  }

  /**
   * A step failed (reported, or stopped without reporting: {@code lost}). Returns when to ask for a
   * fresh cycle, or empty for pruning that waits for a cursor: it goes on after the replication
   * that sets it (planned again then), and a listing of the whole job on its behalf would find
   * nothing new.
   */
  Optional<Duration> failed(StepSpec spec, StepActor.Failed failed, boolean lost, Instant now) {
    if (lost) {
      freshness.stepLost();
    } else {
      freshness.stepEnded(spec, failed);
    }
    boolean expected = expected(failed);
    StepKind kind = StepKind.of(spec);
    Duration wait =
        book.failed(kind, spec.destination(), failed.reason(), failed.stalled(), expected, now);
    return expected && kind != StepKind.REPLICATE ? Optional.empty() : Optional.of(wait);
  }

  /** Whether a failure is an expected wait (logged as waiting, not as a failure). */
  static boolean expected(StepActor.Failed failed) {
    return failed.cause() instanceof ExpectedWait;
  }

  /** A running step was stopped: it may have changed something before it was. */
  void stepStopped() {
    freshness.stepLost();
  }

  /** Drops what was queued and clears every backoff; returns the retry keys cleared. */
  List<String> reset() {
    queue.clear();
    return book.reset();
  }

  /**
   * The replicated parent {@code replica} arrived at {@code destination}: a first receive that
   * waited for it (and for no other) is put first in line, from the plan it has (its receiver side
   * has not changed), without a listing. Returns whether it was.
   */
  boolean parentArrived(String destination, DatasetName replica) {
    freshness.parentArrived(destination, replica);
    if (plan == null || waitsForAnother(destination, replica) || !book.waitOver(destination)) {
      return false;
    }
    replications(destination).findFirst().ifPresent(queue::addFirst);
    return true;
  }

  List<FilesystemStatus.Outcome> outcomes() {
    return book.outcomes();
  }

  List<FilesystemStatus.Retry> retries() {
    return book.retries();
  }

  private void replanAfter(StepOutput.Replicated replicated) {
    plan = plan.after(replicated.effect());
    List<StepSpec> replications =
        queue.stream().filter(s -> StepKind.of(s) == StepKind.REPLICATE).toList();
    queue.clear();
    queue.addAll(replications);
    plan.steps().stream().filter(s -> StepKind.of(s) != StepKind.REPLICATE).forEach(queue::add);
  }

  /** Whether this cycle's first receive to the destination waits for another replica than that. */
  private boolean waitsForAnother(String destination, DatasetName replica) {
    return replications(destination)
        .map(r -> r.plan().awaitParent())
        .anyMatch(awaited -> awaited.isPresent() && !awaited.get().equals(replica));
  }

  private Stream<StepSpec.Replicate> replications(String destination) {
    return plan.steps().stream()
        .filter(s -> s instanceof StepSpec.Replicate && s.destination().equals(destination))
        .map(StepSpec.Replicate.class::cast);
  }
}
