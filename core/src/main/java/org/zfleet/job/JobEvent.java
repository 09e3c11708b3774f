package org.zfleet.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a node's steps report as they go, published on the actor system's event stream: metrics,
 * freshness and the status views listen; nothing in a job waits for a listener. Every step attempt
 * publishes one {@link StepStarted} once it runs (after its gate permit) and exactly one {@link
 * StepEnded}, also when it never started (cancelled while waiting for a permit).
 */
public sealed interface JobEvent {

  StepId id();

  /** How a step attempt ended. */
  enum Outcome {
    OK,
    FAILED,
    /** Stopped by the watchdog: no progress for its stall timeout. */
    STALLED,
    /** Waited for something expected (a sink not reachable yet, a parent not received yet). */
    WAITING,
    /** Stopped by its parent or shutdown. */
    CANCELLED
  }

  record StepStarted(StepId id, Instant at) implements JobEvent {
    public StepStarted {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * @param result the step's result when it succeeded; summary "" and no facts otherwise
   * @param reason why it did not succeed; "" when it did
   */
  record StepEnded(
      StepId id, Outcome outcome, Duration took, StepResult result, String reason, Instant at)
      implements JobEvent {
    public StepEnded {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(took, "took");
      Objects.requireNonNull(result, "result");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(at, "at");
    }
  }
}
