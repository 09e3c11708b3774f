package org.zfleet.job;

import java.time.Duration;
import java.util.Objects;
import org.zfleet.cycle.CycleSettings;

/**
 * What makes a push, pull, snap or source job what it is: its settings (which the planner turns
 * into steps), the runner that carries its steps out, its watchdog and retry limits, and how many
 * of its filesystems replicate at once ({@code replication.concurrency}). Values and ports only:
 * the {@link JobActor} keeps the job's state.
 */
public record JobDriver(
    CycleSettings settings,
    StepRunner runner,
    Duration stallTimeout,
    Backoff backoff,
    int replicationConcurrency) {
  public JobDriver {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(runner, "runner");
    Objects.requireNonNull(stallTimeout, "stallTimeout");
    Objects.requireNonNull(backoff, "backoff");
    if (replicationConcurrency < 1) {
      throw new IllegalArgumentException(
          "replication concurrency must be at least 1, got " + replicationConcurrency);
    }
  }

  /** A driver whose filesystems' replications are limited by the node's gate only. */
  public JobDriver(
      CycleSettings settings, StepRunner runner, Duration stallTimeout, Backoff backoff) {
    this(settings, runner, stallTimeout, backoff, Integer.MAX_VALUE);
  }

  public String job() {
    return settings.job();
  }
}
