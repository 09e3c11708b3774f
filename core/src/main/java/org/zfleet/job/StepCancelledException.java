package org.zfleet.job;

/** Thrown inside a step's work when it notices it was cancelled. */
public final class StepCancelledException extends RuntimeException {
  public StepCancelledException(String reason) {
    super(reason);
  }
}
