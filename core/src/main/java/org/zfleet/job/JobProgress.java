package org.zfleet.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a {@link JobActor} is in its cycle: the job-wide step running, the requests waiting for it,
 * the cycle count, and the errors and snapshot backoff the status shows. The actor's own state,
 * never shared with a step's thread.
 */
final class JobProgress {

  enum Phase {
    IDLE,
    SNAPSHOT,
    LIST,
    PREPARE
  }

  private Phase phase = Phase.IDLE;
  private boolean pendingSnapshot;
  private boolean pendingList;
  private long cycle;
  private long attempt;
  private StepId current;
  private Instant lastListing;
  private String lastError;
  // A failed snapshot stays in the status until one succeeds (the listing after it does not
  // clear it), and the next attempt waits for the job's backoff instead of following at once.
  private String snapshotError;
  private int snapshotFailures;
  private Instant snapshotNotBefore;
  private int listFailures;
  private Instant listRetry;
  // When the job last came to snapshot (or started): a job that selects nothing counts its
  // schedule from there, so it looks again on its schedule rather than at once.
  private Instant lastLooked;
  // A snapshot asked for while the listing selected nothing: the listing comes first, and the
  // snapshot follows if it selects something now.
  private boolean snapshotAfterListing;

  JobProgress(Instant started) {
    this.lastLooked = started;
  }

  Phase phase() {
    return phase;
  }

  boolean busy() {
    return phase != Phase.IDLE;
  }

  /** A cycle asked for while a step runs: the next listing serves it. */
  void pend(boolean snapshot) {
    pendingSnapshot |= snapshot;
    pendingList = true;
  }

  /** The cycle asked for meanwhile, if any (true: with a snapshot). */
  Optional<Boolean> takePending() {
    if (!pendingList) {
      return Optional.empty();
    }
    boolean snapshot = pendingSnapshot;
    pendingList = false;
    pendingSnapshot = false;
    return Optional.of(snapshot);
  }

  StepId start(StepKind kind, String job) {
    phase =
        switch (kind) {
          case SNAPSHOT -> Phase.SNAPSHOT;
          case PREPARE -> Phase.PREPARE;
          default -> Phase.LIST;
        };
    current = new StepId(job, "", kind, "", ++attempt);
    return current;
  }

  boolean isCurrent(StepId id) {
    return current != null && current.equals(id);
  }

  /**
   * Records how the current step ended; a listing leaves the job idle. Returns the retry note of a
   * failed snapshot or listing (" retry_in=...").
   */
  Optional<String> finished(StepActor.Report report, Instant now, Backoff backoff) {
    current = null;
    Optional<String> retry = Optional.empty();
    if (report instanceof StepActor.Failed failed) {
      String error = report.id().kind().label() + ": " + failed.reason();
      if (phase == Phase.SNAPSHOT) {
        snapshotError = error;
        Duration wait = backoff.after(++snapshotFailures);
        snapshotNotBefore = now.plus(wait);
        retry = Optional.of(" retry_in=" + Durations.human(wait));
      } else {
        lastError = error;
        // Retried after the backoff, not at the next snapshot (a daily job would wait a day).
        Duration wait = backoff.after(++listFailures);
        listRetry = now.plus(wait);
        retry = Optional.of(" retry_in=" + Durations.human(wait));
      }
    } else if (phase == Phase.SNAPSHOT) {
      snapshotError = null;
      snapshotFailures = 0;
      snapshotNotBefore = null;
    } else {
      listFailures = 0;
      listRetry = null;
    }
    if (phase == Phase.LIST || phase == Phase.PREPARE) {
      phase = Phase.IDLE;
    }
    return retry;
  }

  /** A listing succeeded: a new cycle, whose number it returns. */
  long listed(Instant now) {
    lastListing = now;
    lastError = null;
    return ++cycle;
  }

  void error(String error) {
    lastError = error;
  }

  Instant lastLooked() {
    return lastLooked;
  }

  /** A snapshot is due but the job selects nothing: it lists first and snapshots if it may. */
  void listBeforeSnapshot(Instant now) {
    lastLooked = now;
    snapshotAfterListing = true;
  }

  /** Whether a snapshot waits for the listing that just ended (which resets it). */
  boolean takeSnapshotAfterListing() {
    boolean take = snapshotAfterListing;
    snapshotAfterListing = false;
    return take;
  }

  /**
   * {@code zfleet signal reset}: the running step is abandoned (its actor stopped), and every
   * backoff and error is cleared, so the next cycle starts at once.
   */
  void reset() {
    phase = Phase.IDLE;
    current = null;
    pendingSnapshot = false;
    pendingList = false;
    snapshotAfterListing = false;
    lastError = null;
    snapshotError = null;
    snapshotFailures = 0;
    snapshotNotBefore = null;
    listFailures = 0;
    listRetry = null;
  }

  /** When a failed listing is tried again, if the last one failed. */
  Optional<Instant> listRetry() {
    return Optional.ofNullable(listRetry);
  }

  /** {@code due}, but not before the backoff of a failed snapshot is over. */
  Optional<Instant> notBeforeBackoff(Optional<Instant> due) {
    if (snapshotNotBefore == null) {
      return due;
    }
    return due.map(d -> d.isBefore(snapshotNotBefore) ? snapshotNotBefore : d);
  }

  JobStatus status(String job, Optional<Instant> nextSnapshot) {
    return new JobStatus(
        job,
        phase == Phase.IDLE ? "idle" : phase.name().toLowerCase(java.util.Locale.ROOT),
        cycle,
        Optional.ofNullable(lastListing),
        nextSnapshot,
        Optional.ofNullable(lastError != null ? lastError : snapshotError),
        List.of());
  }
}
