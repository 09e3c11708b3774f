package org.zfleet.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What one filesystem's supervisor is doing and how its last steps went, for status views. */
public record FilesystemStatus(
    String job,
    String filesystem,
    Optional<Running> running,
    List<Outcome> lastOutcomes,
    List<Retry> retries,
    long cycle) {

  /** The step in progress. */
  public record Running(
      StepKind kind,
      String destination,
      String phase,
      long bytes,
      long expectedBytes,
      Instant since) {}

  /**
   * The last outcome of each (kind, destination). A step that did not succeed either failed,
   * stalled (the watchdog stopped it) or waits for something expected ({@link ExpectedWait}).
   */
  public record Outcome(
      StepKind kind,
      String destination,
      boolean ok,
      String summary,
      Instant at,
      boolean stalled,
      boolean waiting) {}

  /** A destination whose replication failed and waits for its backoff. */
  public record Retry(String destination, int consecutiveFailures, Instant notBefore) {}

  public boolean healthy() {
    return lastOutcomes.stream().allMatch(Outcome::ok);
  }
}
