package org.zfleet.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A filesystem supervisor's record of its steps: the last outcome of each (kind, destination), and
 * the backoff of those that failed. A failed step waits for its backoff, doubling per consecutive
 * failure; an expected wait always waits the shortest. Actor-confined.
 */
final class StepBook {

  private final Backoff backoff;
  private final Map<String, FilesystemStatus.Outcome> outcomes = new LinkedHashMap<>();
  private final Map<String, Integer> failures = new LinkedHashMap<>();
  private final Map<String, Instant> notBefore = new LinkedHashMap<>();

  StepBook(Backoff backoff) {
    this.backoff = backoff;
  }

  static String key(StepKind kind, String destination) {
    return kind.label() + "|" + destination;
  }

  boolean inBackoff(StepKind kind, String destination, Instant now) {
    Instant due = notBefore.get(key(kind, destination));
    return due != null && now.isBefore(due);
  }

  /**
   * Records a success; returns the keys whose backoff it ends. A replication moves the cursors that
   * pruning depends on: it also lets failed pruning run again at once.
   */
  List<String> succeeded(StepKind kind, String destination, String summary, Instant now) {
    String key = key(kind, destination);
    outcomes.put(
        key, new FilesystemStatus.Outcome(kind, destination, true, summary, now, false, false));
    List<String> cleared = new ArrayList<>();
    for (String k : List.copyOf(notBefore.keySet())) {
      if (k.equals(key)
          || (kind == StepKind.REPLICATE && !k.startsWith(StepKind.REPLICATE.label()))) {
        notBefore.remove(k);
        failures.remove(k);
        cleared.add(k);
      }
    }
    failures.remove(key);
    return cleared;
  }

  /** Whether the last step of {@code kind} to {@code destination} failed (or waited). */
  boolean lastFailed(StepKind kind, String destination) {
    FilesystemStatus.Outcome last = outcomes.get(key(kind, destination));
    return last != null && !last.ok();
  }

  /** Records a failure; returns how long the step now waits. */
  Duration failed(
      StepKind kind,
      String destination,
      String reason,
      boolean stalled,
      boolean expected,
      Instant now) {
    String key = key(kind, destination);
    outcomes.put(
        key,
        new FilesystemStatus.Outcome(kind, destination, false, reason, now, stalled, expected));
    // A wait is no failure of the step: it is retried after the shortest backoff, which does not
    // grow.
    int n = expected ? 1 : failures.merge(key, 1, Integer::sum);
    Duration wait = backoff.after(n);
    notBefore.put(key, now.plus(wait));
    return wait;
  }

  /**
   * The replication to {@code destination} waited for what has just happened: its backoff ends.
   * False if it did not wait (a failure keeps its backoff).
   */
  boolean waitOver(String destination) {
    String key = key(StepKind.REPLICATE, destination);
    FilesystemStatus.Outcome last = outcomes.get(key);
    return last != null && last.waiting() && notBefore.remove(key) != null;
  }

  /** Every backoff ends ({@code zfleet signal reset}); returns the keys whose backoff ended. */
  List<String> reset() {
    List<String> cleared = new ArrayList<>(notBefore.keySet());
    notBefore.clear();
    failures.clear();
    return cleared;
  }

  List<FilesystemStatus.Outcome> outcomes() {
    return List.copyOf(outcomes.values());
  }

  /** The replications waiting for their backoff. */
  List<FilesystemStatus.Retry> retries() {
    List<FilesystemStatus.Retry> retries = new ArrayList<>();
    String prefix = key(StepKind.REPLICATE, "");
    notBefore.forEach(
        (key, at) -> {
          if (key.startsWith(prefix)) {
            retries.add(
                new FilesystemStatus.Retry(
                    key.substring(prefix.length()), failures.getOrDefault(key, 0), at));
          }
        });
    return retries;
  }
}
