package org.zfleet.job;

import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.zfleet.cycle.StepSpec;

/**
 * A job actor's job-wide step in flight (listing or snapshot): spawned as a {@link StepActor} on
 * the node's watchdog and executor, watched (one that stops without reporting must not leave the
 * job busy for ever), and stopped by a reset. Confined to the job actor.
 */
final class JobStep {

  private final ActorContext<JobActor.Command> ctx;
  private final JobDriver driver;
  private final NodeContext node;
  private final ActorRef<StepActor.Report> reports;
  private final Function<StepId, JobActor.Command> stopped;
  private Optional<ActorRef<StepActor.Command>> running = Optional.empty();

  JobStep(
      ActorContext<JobActor.Command> ctx,
      JobDriver driver,
      NodeContext node,
      ActorRef<StepActor.Report> reports,
      Function<StepId, JobActor.Command> stopped) {
    this.ctx = ctx;
    this.driver = driver;
    this.node = node;
    this.reports = reports;
    this.stopped = stopped;
  }

  void start(StepId id, StepSpec spec, CyclePorts ports) {
    StepActor.Setup setup =
        new StepActor.Setup(
            id,
            driver.stallTimeout(),
            node.watchdog(),
            Optional.empty(),
            node.blocking(),
            node.clock());
    ActorRef<StepActor.Command> step =
        ctx.spawnAnonymous(
            StepActor.create(setup, driver.runner().workOrFailure(spec, ports), reports));
    ctx.watchWith(step, stopped.apply(id));
    running = Optional.of(step);
  }

  /** It reported: nothing runs any more. Returns the listing it produced, if it made one. */
  Optional<StepOutput.Listed> ended(StepActor.Report report) {
    running = Optional.empty();
    if (!(report instanceof StepActor.Finished finished)) {
      return Optional.empty();
    }
    return finished
        .result()
        .output()
        .filter(o -> o instanceof StepOutput.Listed)
        .map(o -> (StepOutput.Listed) o);
  }

  /** Stops the step in flight, if any, without waiting for its report (its work is cancelled). */
  void stop() {
    running.ifPresent(
        step -> {
          ctx.unwatch(step);
          ctx.stop(step);
        });
    running = Optional.empty();
  }
}
