package org.zfleet.job;

import java.util.Objects;

/**
 * What a finished step reports: a one-line summary for the status view and logs, and bytes moved.
 */
public record StepResult(String summary, long bytes) {
  public StepResult {
    Objects.requireNonNull(summary, "summary");
  }

  public static StepResult of(String summary) {
    return new StepResult(summary, 0);
  }
}
