package org.zfleet.job;

import java.time.Duration;
import java.util.Objects;
import org.zfleet.cycle.CycleSettings;

/**
 * What makes a push, pull, snap or source job what it is: its settings (which the planner turns
 * into steps), the runner that carries its steps out, and its watchdog and retry limits. Values and
 * ports only: the {@link JobActor} keeps the job's state.
 */
public record JobDriver(
    CycleSettings settings, StepRunner runner, Duration stallTimeout, Backoff backoff) {
  public JobDriver {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(runner, "runner");
    Objects.requireNonNull(stallTimeout, "stallTimeout");
    Objects.requireNonNull(backoff, "backoff");
  }

  public String job() {
    return settings.job();
  }
}
