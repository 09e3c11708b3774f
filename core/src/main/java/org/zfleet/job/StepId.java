package org.zfleet.job;

import java.util.Objects;

/**
 * Names one attempt of one step: job, filesystem (empty for job-wide steps such as listing), kind,
 * destination (empty unless the step is per destination) and attempt number.
 */
public record StepId(
    String job, String filesystem, StepKind kind, String destination, long attempt) {
  public StepId {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(filesystem, "filesystem");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(destination, "destination");
  }

  /** Unique within a node while the step runs; also used as an actor-name suffix. */
  public String key() {
    return job + "|" + filesystem + "|" + kind.label() + "|" + destination + "|" + attempt;
  }

  @Override
  public String toString() {
    return "job="
        + job
        + (filesystem.isEmpty() ? "" : " fs=\"" + filesystem + "\"")
        + " step="
        + kind.label()
        + (destination.isEmpty() ? "" : " dest=" + destination)
        + " attempt="
        + attempt;
  }
}
