package org.zfleet.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
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
 * once (never once per filesystem) and keeps the listing; the planner turns it into each
 * filesystem's steps, which go to one {@link FilesystemSupervisor} per filesystem (made and stopped
 * as filesystems appear and vanish). It does not wait for the supervisors: they run their steps in
 * parallel and coalesce cycles that arrive while busy. It watches them: one that stops on its own
 * is reported and made anew by the next cycle.
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
  private final ActorRef<StepActor.Report> reports;
  private final ActorRef<String> cycleRequests;
  private final ActorRef<FilesystemSupervisor.Replicated> replications;
  private final Map<String, ActorRef<FilesystemSupervisor.Command>> supervisors =
      new LinkedHashMap<>();
  private final JobProgress progress;
  private final List<ActorRef<Gate.Command>> replicationGates;
  private JobListing listing = JobListing.EMPTY;
  private CyclePorts ports = CyclePorts.NONE;
  private CycleStart cycleStart;
  private Optional<Instant> lastListStarted = Optional.empty();

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
    this.reports = ctx.messageAdapter(StepActor.Report.class, StepReported::new);
    this.cycleRequests = ctx.messageAdapter(String.class, FilesystemAsks::new);
    this.replications =
        ctx.messageAdapter(FilesystemSupervisor.Replicated.class, FilesystemReplicated::new);
    this.cycleStart = CycleStart.at(now());
    this.progress = new JobProgress(now());
    // replication.concurrency: the job's own gate, taken before the node's transfer gate.
    List<ActorRef<Gate.Command>> gates = new ArrayList<>();
    if (driver.replicationConcurrency() < Integer.MAX_VALUE) {
      gates.add(
          ctx.spawn(
              Gate.create("replication of " + driver.job(), driver.replicationConcurrency()),
              "replication-gate"));
    }
    node.transferGate().ifPresent(gates::add);
    this.replicationGates = List.copyOf(gates);
    // The first cycle only lists and dispatches: it learns when the job last snapshotted, so a
    // restart neither snapshots early nor skips, and it resumes replication and pruning at once.
    startList();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Wakeup.class, w -> requestCycle(snapshotsOnSchedule()))
        .onMessageEquals(
            Tick.INSTANCE,
            () -> requestCycle(nextSnapshotDue(now()).map(d -> !d.isAfter(now())).orElse(false)))
        .onMessage(FilesystemAsks.class, asks -> requestCycle(false))
        .onMessage(FilesystemReplicated.class, this::onFilesystemReplicated)
        .onMessage(StepReported.class, this::onStepReported)
        .onMessage(StepStopped.class, this::onStepStopped)
        .onMessage(SupervisorStopped.class, this::onSupervisorStopped)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(Reset.class, r -> this)
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
    String parent = message.replicated().filesystem() + "/";
    supervisors.forEach(
        (fs, sup) -> {
          if (fs.startsWith(parent)) {
            sup.tell(new FilesystemSupervisor.WaitOver(message.replicated().destination()));
          }
        });
    return this;
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
    if (settings.cycleStartsAtListing()) {
      cycleStart = CycleStart.at(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }
    run(StepKind.LIST, new StepSpec.ListJob());
  }

  private void run(StepKind kind, StepSpec spec) {
    StepId id = progress.start(kind, driver.job());
    StepActor.Setup setup =
        new StepActor.Setup(
            id,
            driver.stallTimeout(),
            node.watchdog(),
            Optional.empty(),
            node.blocking(),
            node.clock());
    ActorRef<StepActor.Command> step =
        getContext()
            .spawnAnonymous(
                StepActor.create(setup, driver.runner().workOrFailure(spec, ports), reports));
    // One that stops without reporting must not leave the job busy for ever.
    getContext().watchWith(step, new StepStopped(id));
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
    if (wasSnapshot) {
      // Even after a failed snapshot, list and go on: replication and pruning must not stop.
      startList();
      return this;
    }
    boolean snapshotNext = progress.takeSnapshotAfterListing();
    if (listed.isPresent()) {
      listing = listed.get().listing();
      ports = listed.get().ports();
      if (snapshotNext && !listing.filesystems().isEmpty()) {
        startSnapshot();
        return this;
      }
      dispatch();
    }
    return progress.takePending().map(this::requestCycle).orElseGet(this::scheduleNext);
  }

  private void dispatch() {
    long cycle = progress.listed(now());
    Map<DatasetName, FilesystemCycle> plans = CyclePlanner.plan(listing, settings, cycleStart);
    boolean nothing = listing.filesystems().isEmpty();
    if (progress.selectedNothing(nothing)) {
      if (nothing) {
        getContext()
            .getLog()
            .warn(
                "{} job={}; looking again on its schedule",
                CyclePlanner.NOTHING_SELECTED,
                driver.job());
      } else {
        getContext()
            .getLog()
            .info(
                "filesystems selected again job={} count={}",
                driver.job(),
                listing.filesystems().size());
      }
    }
    if (nothing) {
      progress.error(CyclePlanner.NOTHING_SELECTED);
    }
    for (String gone : new ArrayList<>(supervisors.keySet())) {
      if (!plans.containsKey(DatasetName.of(gone))) {
        getContext().getLog().info("filesystem gone job={} fs=\"{}\"", driver.job(), gone);
        ActorRef<FilesystemSupervisor.Command> sup = supervisors.remove(gone);
        getContext().unwatch(sup);
        getContext().stop(sup);
      }
    }
    plans.forEach(
        (fs, plan) ->
            supervisors
                .computeIfAbsent(fs.value(), this::spawnSupervisor)
                .tell(new FilesystemSupervisor.RunCycle(cycle, plan, ports)));
  }

  private ActorRef<FilesystemSupervisor.Command> spawnSupervisor(String fs) {
    FilesystemSupervisor.Context ctx =
        new FilesystemSupervisor.Context(
            driver.job(),
            fs,
            driver.stallTimeout(),
            driver.backoff(),
            driver.runner(),
            node.watchdog(),
            replicationGates,
            node.blocking(),
            node.clock(),
            cycleRequests,
            replications);
    // A bug in a supervisor restarts it (its running step is cancelled); anything worse stops it,
    // and the watch below notices.
    ActorRef<FilesystemSupervisor.Command> sup =
        getContext()
            .spawnAnonymous(
                Behaviors.supervise(FilesystemSupervisor.create(ctx))
                    .onFailure(RuntimeException.class, SupervisorStrategy.restart()));
    getContext().watchWith(sup, new SupervisorStopped(fs, sup));
    return sup;
  }

  private Behavior<Command> onSupervisorStopped(SupervisorStopped stopped) {
    if (supervisors.get(stopped.filesystem()) == stopped.ref()) {
      supervisors.remove(stopped.filesystem());
      String error = "supervisor of " + stopped.filesystem() + " stopped; made anew next cycle";
      progress.error(error);
      getContext()
          .getLog()
          .error(
              "filesystem supervisor stopped job={} fs=\"{}\"", driver.job(), stopped.filesystem());
    }
    return this;
  }

  private Behavior<Command> scheduleNext() {
    Instant now = now();
    Optional<Instant> next =
        earliest(
            earliest(
                nextSnapshotDue(now), CyclePlanner.nextReplanDue(settings, lastListStarted, now)),
            progress.listRetry());
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

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    return Stream.of(a, b).flatMap(Optional::stream).min(Instant::compareTo);
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    JobStatus base = progress.status(driver.job(), nextSnapshotDue(now()));
    getContext()
        .spawnAnonymous(
            Gather.create(
                new ArrayList<>(supervisors.values()),
                FilesystemSupervisor.GetStatus::new,
                FilesystemStatus.class,
                Duration.ofSeconds(1),
                base::withFilesystems,
                get.replyTo()));
    return this;
  }
}
