package org.zfleet.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a finished step reports: a one-line summary for the status view and logs, bytes moved, typed
 * facts for metrics and freshness, and what its actor goes on from (a listing, what a replication
 * did).
 */
public record StepResult(
    String summary, long bytes, List<StepFact> facts, Optional<StepOutput> output) {
  public StepResult {
    Objects.requireNonNull(summary, "summary");
    facts = List.copyOf(facts);
    Objects.requireNonNull(output, "output");
  }

  public StepResult(String summary, long bytes, List<StepFact> facts) {
    this(summary, bytes, facts, Optional.empty());
  }

  public StepResult(String summary, long bytes) {
    this(summary, bytes, List.of());
  }

  public static StepResult of(String summary) {
    return new StepResult(summary, 0);
  }

  public StepResult with(StepFact fact) {
    List<StepFact> more = new ArrayList<>(facts);
    more.add(fact);
    return new StepResult(summary, bytes, more, output);
  }

  public StepResult with(StepOutput out) {
    return new StepResult(summary, bytes, facts, Optional.of(out));
  }

  /** As listeners see it: the actors' own data stays with them. */
  public StepResult withoutOutput() {
    return output.isEmpty() ? this : new StepResult(summary, bytes, facts, Optional.empty());
  }
}
