package org.zfleet.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.zfleet.cycle.CyclePlanner;
import org.zfleet.cycle.CycleSettings;
import org.zfleet.cycle.CycleStart;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.StepSpec;
import org.zfleet.model.DatasetName;

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

  /** The job's last plan: its listing and what the planner returned from it. */
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

  /** What every job shares on this node. */
  public record NodeContext(
      ActorRef<Watchdog.Command> watchdog,
      Optional<ActorRef<Gate.Command>> transferGate,
      Executor blocking,
      Clock clock) {}

  private final JobDriver driver;
  private final CycleSettings settings;
  private final NodeContext node;
  private final TimerScheduler<Command> timers;
  private final JobFilesystems filesystems;
  private final JobProgress progress;
  private JobListing listing = JobListing.EMPTY;
  private CyclePorts ports = CyclePorts.NONE;
  private CycleStart cycleStart;
  private Optional<Instant> lastListStarted = Optional.empty();
  private final JobStep step;
  private JobPlan lastPlan;

  /** Listings started so far; the supervisors hear of each, to judge a cycle's freshness. */
  private long listingsStarted;

  /** A listed cycle waiting for its prepare step before it goes to the supervisors. */
  private Listed prepared;

  /**
   * A cycle planned from listing {@code number}; {@code listing} is what the schedule keeps of it.
   */
  private record Listed(
      long number, JobListing listing, Map<DatasetName, FilesystemCycle> plans, CyclePorts ports) {}

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
    this.settings = driver.settings();
    this.node = node;
    this.timers = timers;
    this.step =
        new JobStep(
            ctx,
            driver,
            node,
            ctx.messageAdapter(StepActor.Report.class, StepReported::new),
            StepStopped::new);
    this.cycleStart = CycleStart.at(now());
    this.progress = new JobProgress(now());
    this.lastPlan = new JobPlan(driver.job(), Optional.empty(), cycleStart, listing, Map.of());
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
        .onMessage(Wakeup.class, w -> requestCycle(snapshotsOnSchedule()))
        .onMessageEquals(Tick.INSTANCE, () -> requestCycle(snapshotDueNow()))
        .onMessage(FilesystemAsks.class, asks -> requestCycle(false))
        .onMessage(FilesystemReplicated.class, this::onFilesystemReplicated)
        .onMessage(StepReported.class, this::onStepReported)
        .onMessage(StepStopped.class, this::onStepStopped)
        .onMessage(SupervisorStopped.class, this::onSupervisorStopped)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(Reset.class, this::onReset)
        .onMessage(GetPlan.class, get -> tell(get.replyTo(), lastPlan))
        .build();
  }

  private boolean snapshotsOnSchedule() {
    return !(settings.snapshotting() instanceof org.zfleet.config.Snapshotting.Manual)
        && settings.kind() != CycleSettings.Kind.PULL;
  }

  private Instant now() {
    return node.clock().instant();
  }

  /** The schedule's next snapshot, but not before the backoff of a failed one is over. */
  private Optional<Instant> nextSnapshotDue(Instant now) {
    return progress.notBeforeBackoff(
        CyclePlanner.nextSnapshotDue(listing, settings, progress.lastLooked(), now));
  }

  private boolean snapshotDueNow() {
    return nextSnapshotDue(now()).map(d -> !d.isAfter(now())).orElse(false);
  }

  /** Requests that arrive while a step runs share the next listing. */
  private Behavior<Command> requestCycle(boolean snapshot) {
    if (progress.busy()) {
      progress.pend(snapshot);
    } else if (snapshot && listing.filesystems().isEmpty()) {
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
    prepared = null; // a prepare step stopped: its cycle is not run, the fresh one replaces it
    progress.reset();
    filesystems.tellAll(new FilesystemSupervisor.Reset());
    timers.cancel("tick");
    return requestCycle(snapshotDueNow());
  }

  private void startSnapshot() {
    Instant now = now();
    if (!settings.cycleStartsAtListing()) {
      cycleStart = CyclePlanner.snapshotCycle(settings, now);
    }
    run(StepKind.SNAPSHOT, CyclePlanner.snapshot(listing, settings, now));
  }

  private void startList() {
    Instant now = now();
    lastListStarted = Optional.of(now);
    listingsStarted++;
    FilesystemSupervisor.ListingStarted started =
        new FilesystemSupervisor.ListingStarted(listingsStarted);
    filesystems.tellAll(started);
    if (settings.cycleStartsAtListing()) {
      cycleStart = CycleStart.at(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }
    run(StepKind.LIST, new StepSpec.ListJob());
  }

  private void run(StepKind kind, StepSpec spec) {
    step.start(progress.start(kind, driver.job()), spec, ports);
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
    step.ended();
    boolean wasSnapshot = progress.phase() == JobProgress.Phase.SNAPSHOT;
    boolean wasPrepare = progress.phase() == JobProgress.Phase.PREPARE;
    Optional<String> retry = progress.finished(report, now(), driver.backoff());
    Optional<StepOutput.Listed> listed = Optional.empty();
    if (report instanceof StepActor.Failed failed) {
      getContext()
          .getLog()
          .warn(
              "job step failed {} reason=\"{}\"{}", report.id(), failed.reason(), retry.orElse(""));
    } else {
      StepActor.Finished finished = (StepActor.Finished) report;
      getContext()
          .getLog()
          .info("job step done {} result=\"{}\"", report.id(), finished.result().summary());
      listed =
          finished
              .result()
              .output()
              .filter(o -> o instanceof StepOutput.Listed)
              .map(o -> (StepOutput.Listed) o);
    }
    if (wasPrepare) {
      // A cycle that could not be prepared is not run: its replications would hold nothing.
      if (report instanceof StepActor.Finished) {
        dispatch(prepared);
      }
      prepared = null;
    }
    if (wasSnapshot) {
      // Even after a failed snapshot, list and go on: replication and pruning must not stop.
      startList();
      return this;
    }
    boolean snapshotNext = progress.takeSnapshotAfterListing();
    if (listed.isPresent()) {
      JobListing full = listed.get().listing();
      // Kept between cycles: only what the schedule reads, not a copy of every filesystem's state.
      listing = CyclePlanner.forSchedule(full, settings);
      ports = listed.get().ports();
      if (snapshotNext && !listing.filesystems().isEmpty()) {
        startSnapshot();
        return this;
      }
      planAndDispatch(full);
    }
    return progress.takePending().map(this::requestCycle).orElseGet(this::scheduleNext);
  }

  /** Plans from a new listing; a push job prepares the cycle before it goes to the supervisors. */
  private void planAndDispatch(JobListing full) {
    Listed cycle =
        new Listed(listingsStarted, listing, CyclePlanner.plan(full, settings, cycleStart), ports);
    Optional<StepSpec.Prepare> prepare = CyclePlanner.prepare(full, cycle.plans(), settings);
    if (prepare.isPresent()) {
      prepared = cycle;
      run(StepKind.PREPARE, prepare.get());
    } else {
      dispatch(cycle);
    }
  }

  private void dispatch(Listed listed) {
    long cycle = progress.listed(now());
    lastPlan =
        filesystems.dispatch(
            cycle,
            listed.number(),
            listed.listing(),
            listed.plans(),
            cycleStart,
            listed.ports(),
            now());
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

  private <T> Behavior<Command> tell(ActorRef<T> to, T message) {
    to.tell(message);
    return this;
  }

  private Behavior<Command> scheduleNext() {
    Instant now = now();
    Optional<Instant> next =
        Stream.of(
                nextSnapshotDue(now),
                CyclePlanner.nextReplanDue(settings, lastListStarted, now),
                progress.listRetry())
            .flatMap(Optional::stream)
            .min(Instant::compareTo);
    if (next.isEmpty()) {
      timers.cancel("tick");
      return this;
    }
    Duration wait = Duration.between(now, next.get());
    if (wait.isNegative() || wait.isZero()) {
      timers.cancel("tick");
      getContext().getSelf().tell(Tick.INSTANCE);
    } else {
      timers.startSingleTimer("tick", Tick.INSTANCE, wait);
    }
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    filesystems.status(progress.status(driver.job(), nextSnapshotDue(now())), get.replyTo());
    return this;
  }
}
