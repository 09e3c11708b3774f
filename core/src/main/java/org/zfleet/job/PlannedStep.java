package org.zfleet.job;

import java.util.Objects;

/**
 * One step of a filesystem's cycle, ready to run: what it is, for which destination, and its body.
 */
public record PlannedStep(StepKind kind, String destination, StepWork work) {
  public PlannedStep {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(work, "work");
  }
}
