package org.zfleet.cycle;

import java.util.List;
import java.util.Objects;

/**
 * One filesystem's part of a cycle: its state and the steps planned from it, with what it takes to
 * plan again (the job's settings and the cycle's start) once a step has moved the state on.
 */
public record FilesystemCycle(
    FilesystemView view, CycleSettings settings, CycleStart start, List<StepSpec> steps) {

  public FilesystemCycle {
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(start, "start");
    steps = List.copyOf(steps);
  }

  /** The cycle planned again from the state after a replication. */
  public FilesystemCycle after(ReplicationEffect effect) {
    return CyclePlanner.planFilesystem(view.after(effect), settings, start);
  }
}
