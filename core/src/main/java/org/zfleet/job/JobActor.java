package org.zfleet.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.zfleet.cycle.CyclePlanner;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.StepSpec;

/**
 * One per job. Each cycle it takes the job's snapshot if one is due, lists the job's filesystems
 * once (never once per filesystem) and keeps what its schedule needs of it; the planner turns it
 * into each filesystem's steps, which go to one {@link FilesystemSupervisor} per filesystem (made
 * and stopped as filesystems appear and vanish). It does not wait for the supervisors: they run
 * their steps in parallel and coalesce cycles that arrive while busy. It watches them: one that
 * stops on its own is reported and made anew by the next cycle.
 */
public final class JobActor extends AbstractBehavior<JobActor.Command> {

  public sealed interface Command {}

  /**
   * Starts a cycle now ({@code zfleet signal wakeup}), with a snapshot if the job takes them on a
   * schedule; with manual snapshotting (zrepl's meaning) it replicates and prunes only.
   */
  public record Wakeup() implements Command {}

  /**
   * {@code zfleet signal reset} (zrepl's meaning): stops the running steps and clears their
   * backoff, so an operator who fixed a cause does not wait out the retry.
   */
  public record Reset() implements Command {}

  public record GetStatus(ActorRef<JobStatus> replyTo) implements Command {}

  /**
   * The job's plan: its last listing and what the planner returned from it, each filesystem's cycle
   * as its supervisor knows it now (moved on by the replications since the listing).
   */
  public record GetPlan(ActorRef<JobPlan> replyTo) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record FilesystemAsks(String filesystem) implements Command {}

  private record StepReported(StepActor.Report report) implements Command {}

  private record StepStopped(StepId id) implements Command {}

  private record FilesystemReplicated(FilesystemSupervisor.Replicated replicated)
      implements Command {}

  private record SupervisorStopped(String filesystem, ActorRef<FilesystemSupervisor.Command> ref)
      implements Command {}

  private final JobDriver driver;
  private final NodeContext node;
  private final TimerScheduler<Command> timers;
  private final JobFilesystems filesystems;
  private final JobProgress progress;
  private final JobCycles cycles;
  private final JobStep step;
  private JobPlan lastPlan;

  public static Behavior<Command> create(JobDriver driver, NodeContext node) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new JobActor(ctx, timers, driver, node)));
  }

  private JobActor(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      JobDriver driver,
      NodeContext node) {
    super(ctx);
    this.driver = driver;
    this.node = node;
    this.timers = timers;
    this.step =
        new JobStep(
            ctx,
            driver,
            node,
            ctx.messageAdapter(StepActor.Report.class, StepReported::new),
            StepStopped::new);
    this.cycles = new JobCycles(driver.settings(), now());
    this.progress = new JobProgress(now());
    this.lastPlan =
        new JobPlan(
            driver.job(), Optional.empty(), cycles.cycleStart(), cycles.listing(), Map.of());
    this.filesystems =
        new JobFilesystems(
            ctx,
            driver,
            node,
            ctx.messageAdapter(String.class, FilesystemAsks::new),
            ctx.messageAdapter(FilesystemSupervisor.Replicated.class, FilesystemReplicated::new),
            SupervisorStopped::new);
    // The first cycle only lists and dispatches: it learns when the job last snapshotted, so a
    // restart neither snapshots early nor skips, and it resumes replication and pruning at once.
    startList();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Wakeup.class, w -> requestCycle(cycles.snapshotsOnSchedule()))
        .onMessageEquals(Tick.INSTANCE, () -> requestCycle(cycles.snapshotDue(progress, now())))
        .onMessage(FilesystemAsks.class, asks -> requestCycle(false))
        .onMessage(FilesystemReplicated.class, this::onFilesystemReplicated)
        .onMessage(StepReported.class, this::onStepReported)
        .onMessage(StepStopped.class, this::onStepStopped)
        .onMessage(SupervisorStopped.class, this::onSupervisorStopped)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(Reset.class, this::onReset)
        .onMessage(GetPlan.class, this::onGetPlan)
        .build();
  }

  private Instant now() {
    return node.clock().instant();
  }

  /** Requests that arrive while a step runs share the next listing. */
  private Behavior<Command> requestCycle(boolean snapshot) {
    if (progress.busy()) {
      progress.pend(snapshot);
    } else if (snapshot && cycles.listing().filesystems().isEmpty()) {
      // Nothing was selected last time: look first, and snapshot only what is there now.
      progress.listBeforeSnapshot(now());
      startList();
    } else if (snapshot) {
      startSnapshot();
    } else {
      startList();
    }
    return this;
  }

  /**
   * A filesystem arrived at a destination: filesystems below it may be waiting for it there (a
   * first replication needs its nearest replicated ancestor), and go now rather than after their
   * backoff. Those that do not wait ignore it.
   */
  private Behavior<Command> onFilesystemReplicated(FilesystemReplicated message) {
    filesystems.tellBelow(
        message.replicated().filesystem(),
        new FilesystemSupervisor.WaitOver(
            message.replicated().destination(), message.replicated().replica()));
    return this;
  }

  /**
   * Stops the running job step and every filesystem's, clears the backoffs and starts a fresh cycle
   * (with a snapshot if one is due).
   */
  private Behavior<Command> onReset(Reset reset) {
    getContext()
        .getLog()
        .info("reset job={}: running steps stopped, backoffs cleared", driver.job());
    step.stop();
    cycles.takePlanned(); // a prepare step stopped: its cycle is not run, the fresh one replaces it
    progress.reset();
    filesystems.tellAll(new FilesystemSupervisor.Reset());
    timers.cancel("tick");
    return requestCycle(cycles.snapshotDue(progress, now()));
  }

  private void startSnapshot() {
    run(StepKind.SNAPSHOT, cycles.snapshot(now()));
  }

  private void startList() {
    long listing = cycles.listingStarted(now());
    filesystems.tellAll(new FilesystemSupervisor.ListingStarted(listing));
    run(StepKind.LIST, new StepSpec.ListJob());
  }

  private void run(StepKind kind, StepSpec spec) {
    step.start(progress.start(kind, driver.job()), spec, cycles.ports());
  }

  private Behavior<Command> onStepStopped(StepStopped stopped) {
    if (progress.isCurrent(stopped.id())) {
      getContext().getLog().error("job step stopped without reporting {}", stopped.id());
      return onStepReported(
          new StepReported(
              new StepActor.Failed(stopped.id(), "step stopped without reporting", false, null)));
    }
    return this;
  }

  private Behavior<Command> onStepReported(StepReported reported) {
    StepActor.Report report = reported.report();
    if (!progress.isCurrent(report.id())) {
      return this;
    }
    boolean wasSnapshot = progress.phase() == JobProgress.Phase.SNAPSHOT;
    boolean wasPrepare = progress.phase() == JobProgress.Phase.PREPARE;
    Optional<String> retry = progress.finished(report, now(), driver.backoff());
    Optional<StepOutput.Listed> listed = step.ended(report);
    // Logged here, not by a helper: the actor's logger is named after the class that logs first.
    if (report instanceof StepActor.Failed failed) {
      getContext()
          .getLog()
          .warn(
              "job step failed {} reason=\"{}\"{}", report.id(), failed.reason(), retry.orElse(""));
    } else {
      getContext()
          .getLog()
          .info(
              "job step done {} result=\"{}\"",
              report.id(),
              ((StepActor.Finished) report).result().summary());
    }
    if (wasPrepare) {
      // A cycle that could not be prepared is not run: its replications would hold nothing.
      JobCycles.Listed prepared = cycles.takePlanned();
      if (report instanceof StepActor.Finished) {
        dispatch(prepared);
      }
    }
    if (wasSnapshot) {
      // Even after a failed snapshot, list and go on: replication and pruning must not stop.
      startList();
      return this;
    }
    boolean snapshotNext = progress.takeSnapshotAfterListing();
    if (listed.isPresent()) {
      cycles.listed(listed.get());
      if (snapshotNext && !cycles.listing().filesystems().isEmpty()) {
        startSnapshot();
        return this;
      }
      planAndDispatch(listed.get().listing());
    }
    return progress.takePending().map(this::requestCycle).orElseGet(this::scheduleNext);
  }

  /** Plans from a new listing; a push job prepares the cycle before it goes to the supervisors. */
  private void planAndDispatch(JobListing full) {
    cycles
        .plan(full)
        .ifPresentOrElse(
            prepare -> run(StepKind.PREPARE, prepare), () -> dispatch(cycles.takePlanned()));
  }

  private void dispatch(JobCycles.Listed listed) {
    long cycle = progress.listed(now());
    lastPlan = filesystems.dispatch(cycle, listed, cycles.cycleStart(), now());
    if (listed.listing().filesystems().isEmpty()) {
      progress.error(CyclePlanner.NOTHING_SELECTED);
    }
  }

  private Behavior<Command> onSupervisorStopped(SupervisorStopped stopped) {
    if (filesystems.stopped(stopped.filesystem(), stopped.ref())) {
      progress.error("supervisor of " + stopped.filesystem() + " stopped; made anew next cycle");
    }
    return this;
  }

  private Behavior<Command> scheduleNext() {
    Instant now = now();
    Optional<Duration> wait = cycles.nextTick(progress, now).map(t -> Duration.between(now, t));
    if (wait.isPresent() && wait.get().compareTo(Duration.ZERO) > 0) {
      timers.startSingleTimer("tick", Tick.INSTANCE, wait.get());
    } else {
      timers.cancel("tick");
      wait.ifPresent(due -> getContext().getSelf().tell(Tick.INSTANCE));
    }
    return this;
  }

  private Behavior<Command> onGetPlan(GetPlan get) {
    filesystems.plan(lastPlan, get.replyTo());
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    filesystems.status(
        progress.status(driver.job(), cycles.nextSnapshotDue(progress, now())), get.replyTo());
    return this;
  }
}
