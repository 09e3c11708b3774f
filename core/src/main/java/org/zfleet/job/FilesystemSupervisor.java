package org.zfleet.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.event.Level;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.StepSpec;
import org.zfleet.model.DatasetName;

/**
 * One per filesystem and job: runs that filesystem's planned steps one at a time (replicate per
 * destination, then prune sender, then prune receiver), each in a child {@link StepActor} that it
 * watches. Different filesystems have different supervisors and proceed in parallel; only the
 * node-wide gates are shared. A failed step is recorded and the cycle goes on with the next step;
 * after its backoff the supervisor asks the job for a fresh cycle. A successful replication moves
 * the filesystem's state on, and the cycle's pruning is planned again from it.
 */
public final class FilesystemSupervisor extends AbstractBehavior<FilesystemSupervisor.Command> {

  public sealed interface Command {}

  /**
   * Runs a cycle's steps, planned from the job's listing number {@code listing}. A cycle that
   * arrives while one runs replaces any cycle still waiting. A cycle listed before this
   * filesystem's last step that changed something ended is never run: it would act on a view older
   * than that step (a replica it shows absent may have just been received); if it holds snapshots
   * this filesystem has not seen, the job is asked for a fresh listing.
   */
  public record RunCycle(long cycle, long listing, FilesystemCycle plan, CyclePorts ports)
      implements Command {
    /** A cycle whose listing never predates a step (tests that do not number listings). */
    public RunCycle(long cycle, FilesystemCycle plan, CyclePorts ports) {
      this(cycle, Long.MAX_VALUE, plan, ports);
    }
  }

  /** The job has started its listing number {@code listing}. */
  public record ListingStarted(long listing) implements Command {}

  public record GetStatus(ActorRef<FilesystemStatus> replyTo) implements Command {}

  /**
   * This filesystem's cycle as the supervisor knows it now: the listing's, moved on by each
   * replication since (the job's last plan predates them: a replication lists nothing).
   */
  public record GetCycle(ActorRef<CurrentCycle> replyTo) implements Command {}

  /** The answer to {@link GetCycle}; empty before the supervisor ran a cycle. */
  public record CurrentCycle(DatasetName filesystem, Optional<FilesystemCycle> cycle) {}

  /**
   * What a replication to {@code destination} waited for may have happened: {@code replica}, the
   * replica of a filesystem above this one, just arrived there. If this filesystem's replication
   * waits (for that replica, or in its step), it is retried now instead of after its backoff; one
   * that waits for another ancestor keeps waiting.
   */
  public record WaitOver(String destination, DatasetName replica) implements Command {}

  /**
   * {@code zfleet signal reset} (zrepl's meaning): stops the running steps and clears their
   * backoff, so an operator who fixed a cause does not wait out the retry.
   */
  public record Reset() implements Command {}

  /**
   * Told to the job when a replication succeeded and {@code replica} exists at {@code destination},
   * so it can release the filesystems below that wait for it.
   */
  public record Replicated(String filesystem, String destination, DatasetName replica) {}

  private record StepReported(StepActor.Report report) implements Command {}

  private record StepStopped(StepId id) implements Command {}

  private record RetryDue(String key) implements Command {}

  private final SupervisorContext ctx;
  private final TimerScheduler<Command> timers;
  private final ActorRef<StepActor.Report> reportAdapter;
  private final FilesystemSteps steps;
  private RunCycle waiting;

  private long cycle;
  private long attempts;
  private RunningStep running;

  public static Behavior<Command> create(SupervisorContext context) {
    return Behaviors.setup(
        ac -> Behaviors.withTimers(timers -> new FilesystemSupervisor(ac, timers, context)));
  }

  private FilesystemSupervisor(
      ActorContext<Command> ac, TimerScheduler<Command> timers, SupervisorContext ctx) {
    super(ac);
    this.ctx = ctx;
    this.timers = timers;
    this.steps = new FilesystemSteps(ctx.backoff());
    this.reportAdapter = ac.messageAdapter(StepActor.Report.class, StepReported::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RunCycle.class, this::onRunCycle)
        .onMessage(StepReported.class, r -> onReport(r.report()))
        .onMessage(StepStopped.class, this::onStepStopped)
        .onMessage(RetryDue.class, this::askForCycle)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(GetCycle.class, this::onGetCycle)
        .onMessage(WaitOver.class, this::onWaitOver)
        .onMessage(ListingStarted.class, this::onListingStarted)
        .onMessage(Reset.class, this::onReset)
        .build();
  }

  private Behavior<Command> onRunCycle(RunCycle run) {
    if (running != null || !steps.isEmpty()) {
      waiting = run;
      return this;
    }
    startOrSkip(run);
    return this;
  }

  private Behavior<Command> onListingStarted(ListingStarted started) {
    steps.listingStarted(started.listing());
    return this;
  }

  /**
   * Runs a cycle listed after this filesystem's last change; one listed before it is skipped, and a
   * fresh listing asked for if it still matters ({@link FilesystemSteps#needsFreshListing}).
   */
  private void startOrSkip(RunCycle run) {
    cycle = run.cycle();
    if (steps.mayRun(run.listing())) {
      steps.start(run.plan(), run.ports());
      runNext();
    } else if (steps.needsFreshListing(run.plan())) {
      getContext()
          .getLog()
          .info(
              "cycle listed before this filesystem's last step ended; asking for a fresh listing"
                  + " job={} fs=\"{}\"",
              ctx.job(),
              ctx.filesystem());
      ctx.cycleRequests().tell(ctx.filesystem());
    }
  }

  private Instant now() {
    return ctx.clock().instant();
  }

  /**
   * Runs the next step whose turn it is in a child, or the cycle that waited when none is left. A
   * step that failed waits for its backoff (its retry timer asks for a cycle when it is over).
   */
  private void runNext() {
    StepSpec next = steps.next(now(), this::logWaiting);
    if (next == null) {
      if (waiting != null) {
        RunCycle queued = waiting;
        waiting = null;
        startOrSkip(queued);
      }
      return;
    }
    running = RunningStep.spawn(getContext(), ctx, next, ++attempts, steps.ports(), reportAdapter);
    // A step that stops without reporting (it failed in a way it could not report) must not leave
    // this filesystem waiting for ever.
    getContext().watchWith(running.step(), new StepStopped(running.id()));
  }

  private void logWaiting(String destination, String reason) {
    getContext()
        .getLog()
        .info(
            "step waiting job={} fs=\"{}\" step=replicate dest={} reason=\"{}\"",
            ctx.job(),
            ctx.filesystem(),
            destination,
            reason);
  }

  private Behavior<Command> onReport(StepActor.Report report) {
    if (running == null || !report.id().equals(running.id())) {
      return this; // a late report from a step already given up on
    }
    if (report instanceof StepActor.Finished finished) {
      steps
          .finished(running.spec(), finished, now(), this::tellReplicated)
          .forEach(k -> timers.cancel("retry-" + k));
      getContext()
          .getLog()
          .info(
              "step done {} took={} result=\"{}\"",
              running.id(),
              Durations.human(finished.took()),
              finished.result().summary());
    } else {
      failed((StepActor.Failed) report, false);
    }
    running = null;
    runNext();
    return this;
  }

  private void tellReplicated(String destination, DatasetName replica) {
    ctx.replicated().tell(new Replicated(ctx.filesystem(), destination, replica));
  }

  private void failed(StepActor.Failed failed, boolean lost) {
    String key = StepBook.key(StepKind.of(running.spec()), running.spec().destination());
    Optional<Duration> wait = steps.failed(running.spec(), failed, lost, now());
    wait.ifPresent(w -> timers.startSingleTimer("retry-" + key, new RetryDue(key), w));
    String retry = wait.map(w -> " retry_in=" + Durations.human(w)).orElse("");
    boolean expected = FilesystemSteps.expected(failed);
    getContext()
        .getLog()
        .atLevel(expected ? Level.INFO : Level.WARN)
        .log(
            "step {} {} reason=\"{}\"{}",
            expected ? "waiting" : "failed",
            running.id(),
            failed.reason(),
            retry);
  }

  private Behavior<Command> onStepStopped(StepStopped stopped) {
    if (running != null && stopped.id().equals(running.id())) {
      getContext().getLog().error("step stopped without reporting {}", running.id());
      failed(
          new StepActor.Failed(running.id(), "step stopped without reporting", false, null), true);
      running = null;
      runNext();
    }
    return this;
  }

  /**
   * Stops the running step (its work is cancelled: its processes are killed; no failure is
   * counted), drops what was queued, clears every backoff and asks the job for a fresh cycle.
   */
  private Behavior<Command> onReset(Reset reset) {
    if (running != null) {
      getContext().getLog().info("step stopped by a reset {}", running.id());
      getContext().unwatch(running.step());
      getContext().stop(running.step());
      running = null;
      steps.stepStopped();
    }
    waiting = null;
    steps.reset().forEach(k -> timers.cancel("retry-" + k));
    ctx.cycleRequests().tell(ctx.filesystem());
    return this;
  }

  /**
   * The replicated parent arrived at a destination: a first receive that waited for it goes now.
   */
  private Behavior<Command> onWaitOver(WaitOver over) {
    if (steps.parentArrived(over.destination(), over.replica())) {
      timers.cancel("retry-" + StepBook.key(StepKind.REPLICATE, over.destination()));
      if (running == null) {
        runNext();
      }
    }
    return this;
  }

  private Behavior<Command> askForCycle(RetryDue due) {
    ctx.cycleRequests().tell(ctx.filesystem());
    return this;
  }

  private Behavior<Command> onGetCycle(GetCycle get) {
    get.replyTo().tell(new CurrentCycle(DatasetName.of(ctx.filesystem()), steps.plan()));
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    get.replyTo()
        .tell(
            new FilesystemStatus(
                ctx.job(),
                ctx.filesystem(),
                Optional.ofNullable(running).map(RunningStep::status),
                steps.outcomes(),
                steps.retries(),
                cycle));
    return this;
  }
}
