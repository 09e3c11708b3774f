package org.zfleet.job;

import java.util.List;
import java.util.Objects;

/**
 * What a finished step reports: a one-line summary for the status view and logs, bytes moved, and
 * typed facts for metrics and freshness.
 */
public record StepResult(String summary, long bytes, List<StepFact> facts) {
  public StepResult {
    Objects.requireNonNull(summary, "summary");
    facts = List.copyOf(facts);
  }

  public StepResult(String summary, long bytes) {
    this(summary, bytes, List.of());
  }

  public static StepResult of(String summary) {
    return new StepResult(summary, 0);
  }

  public StepResult with(StepFact fact) {
    List<StepFact> more = new java.util.ArrayList<>(facts);
    more.add(fact);
    return new StepResult(summary, bytes, more);
  }
}
