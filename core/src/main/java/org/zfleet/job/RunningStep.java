package org.zfleet.job;

import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.zfleet.cycle.StepSpec;

/** A filesystem supervisor's running step: its child {@link StepActor} and what status shows. */
record RunningStep(
    StepSpec spec,
    StepId id,
    ActorRef<StepActor.Command> step,
    StepProgress progress,
    Instant since) {

  /**
   * Spawns the step's actor as a child of {@code parent}: under the node's watchdog, and, for a
   * replication, behind the job's and the node's transfer gates.
   */
  static RunningStep spawn(
      ActorContext<?> parent,
      SupervisorContext ctx,
      StepSpec spec,
      long attempt,
      CyclePorts ports,
      ActorRef<StepActor.Report> reportTo) {
    StepKind kind = StepKind.of(spec);
    StepId id = new StepId(ctx.job(), ctx.filesystem(), kind, spec.destination(), attempt);
    StepActor.Setup setup =
        new StepActor.Setup(
            id,
            ctx.stallTimeout(),
            ctx.watchdog(),
            kind == StepKind.REPLICATE ? ctx.replicationGates() : List.of(),
            ctx.blocking(),
            ctx.clock());
    StepControl control = new StepControl();
    ActorRef<StepActor.Command> step =
        parent.spawnAnonymous(
            StepActor.create(setup, ctx.runner().workOrFailure(spec, ports), control, reportTo));
    return new RunningStep(spec, id, step, control.progress(), ctx.clock().instant());
  }

  FilesystemStatus.Running status() {
    return new FilesystemStatus.Running(
        StepKind.of(spec),
        spec.destination(),
        progress.phase(),
        progress.bytes(),
        progress.expectedBytes(),
        since);
  }
}
