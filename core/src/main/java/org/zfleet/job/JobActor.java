package org.zfleet.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One per job. Each cycle it takes the job's snapshot if one is due, lists the job's filesystems
 * once (never once per filesystem), keeps one {@link FilesystemSupervisor} per filesystem (made and
 * stopped as filesystems appear and vanish) and hands each its steps. It does not wait for the
 * supervisors: they run their steps in parallel and coalesce cycles that arrive while busy.
 */
public final class JobActor extends AbstractBehavior<JobActor.Command> {

  public sealed interface Command {}

  /** Starts a cycle now, with a snapshot if the job takes them ({@code zfleet signal wakeup}). */
  public record Wakeup() implements Command {}

  public record GetStatus(ActorRef<JobStatus> replyTo) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record FilesystemAsks(String filesystem) implements Command {}

  private record StepReported(StepActor.Report report) implements Command {}

  private record FilesystemReplicated(FilesystemSupervisor.Replicated replicated)
      implements Command {}

  /** What every job shares on this node. */
  public record NodeContext(
      ActorRef<Watchdog.Command> watchdog,
      Optional<ActorRef<Gate.Command>> transferGate,
      Executor blocking,
      Clock clock) {}

  private enum Phase {
    IDLE,
    SNAPSHOT,
    LIST
  }

  private final JobDriver driver;
  private final NodeContext node;
  private final TimerScheduler<Command> timers;
  private final ActorRef<StepActor.Report> reports;
  private final ActorRef<String> cycleRequests;
  private final ActorRef<FilesystemSupervisor.Replicated> replications;
  private final Map<String, ActorRef<FilesystemSupervisor.Command>> supervisors =
      new LinkedHashMap<>();
  private Phase phase = Phase.IDLE;
  private boolean pendingSnapshot;
  private boolean pendingList;
  private long cycle;
  private long attempt;
  private StepId current;
  private Instant lastListing;
  private String lastError;
  // A failed snapshot stays in the status until one succeeds (the listing after it does not
  // clear it), and the next attempt waits for the job's backoff instead of following at once.
  private String snapshotError;
  private int snapshotFailures;
  private Instant snapshotNotBefore;

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
    this.reports = ctx.messageAdapter(StepActor.Report.class, StepReported::new);
    this.cycleRequests = ctx.messageAdapter(String.class, FilesystemAsks::new);
    this.replications =
        ctx.messageAdapter(FilesystemSupervisor.Replicated.class, FilesystemReplicated::new);
    // The first cycle only lists and dispatches: it learns when the job last snapshotted, so a
    // restart neither snapshots early nor skips, and it resumes replication and pruning at once.
    startList();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Wakeup.class, w -> requestCycle(true))
        .onMessageEquals(
            Tick.INSTANCE,
            () -> requestCycle(nextSnapshotDue(now()).map(d -> !d.isAfter(now())).orElse(false)))
        .onMessage(FilesystemAsks.class, this::onFilesystemAsks)
        .onMessage(FilesystemReplicated.class, this::onFilesystemReplicated)
        .onMessage(StepReported.class, this::onStepReported)
        .onMessage(GetStatus.class, this::onGetStatus)
        .build();
  }

  private Instant now() {
    return node.clock().instant();
  }

  /** The schedule's next snapshot, but not before the backoff of a failed one is over. */
  private Optional<Instant> nextSnapshotDue(Instant now) {
    Optional<Instant> due = driver.nextSnapshotDue(now);
    if (snapshotNotBefore == null) {
      return due;
    }
    return due.map(d -> d.isBefore(snapshotNotBefore) ? snapshotNotBefore : d);
  }

  private Behavior<Command> requestCycle(boolean snapshot) {
    if (phase != Phase.IDLE) {
      pendingSnapshot |= snapshot;
      pendingList = true;
      return this;
    }
    if (snapshot) {
      startSnapshot();
    } else {
      startList();
    }
    return this;
  }

  private Behavior<Command> onFilesystemAsks(FilesystemAsks asks) {
    // Requests that arrive while a listing runs share the next one (requestCycle coalesces them).
    return requestCycle(false);
  }

  /**
   * A filesystem arrived at a destination: its direct children may be waiting for it there (a first
   * replication needs the parent), and go now rather than after their backoff.
   */
  private Behavior<Command> onFilesystemReplicated(FilesystemReplicated message) {
    String parent = message.replicated().filesystem() + "/";
    supervisors.forEach(
        (fs, sup) -> {
          if (fs.startsWith(parent) && fs.indexOf('/', parent.length()) < 0) {
            sup.tell(new FilesystemSupervisor.WaitOver(message.replicated().destination()));
          }
        });
    return this;
  }

  private void startSnapshot() {
    phase = Phase.SNAPSHOT;
    run(StepKind.SNAPSHOT, driver.snapshot(now()));
  }

  private void startList() {
    phase = Phase.LIST;
    run(StepKind.LIST, driver.list());
  }

  private void run(StepKind kind, StepWork work) {
    current = new StepId(driver.job(), "", kind, "", ++attempt);
    StepActor.Setup setup =
        new StepActor.Setup(
            current,
            driver.stallTimeout(),
            node.watchdog(),
            Optional.empty(),
            node.blocking(),
            node.clock());
    getContext().spawnAnonymous(StepActor.create(setup, work, reports));
  }

  private Behavior<Command> onStepReported(StepReported reported) {
    StepActor.Report report = reported.report();
    if (current == null || !report.id().equals(current)) {
      return this;
    }
    current = null;
    if (report instanceof StepActor.Failed failed) {
      String error = report.id().kind().label() + ": " + failed.reason();
      String retry = "";
      if (phase == Phase.SNAPSHOT) {
        snapshotError = error;
        Duration wait = driver.backoff().after(++snapshotFailures);
        snapshotNotBefore = now().plus(wait);
        retry = " retry_in=" + Durations.human(wait);
      } else {
        lastError = error;
      }
      getContext()
          .getLog()
          .warn("job step failed {} reason=\"{}\"{}", report.id(), failed.reason(), retry);
    } else {
      StepActor.Finished finished = (StepActor.Finished) report;
      getContext()
          .getLog()
          .info("job step done {} result=\"{}\"", report.id(), finished.result().summary());
      if (phase == Phase.SNAPSHOT) {
        snapshotError = null;
        snapshotFailures = 0;
        snapshotNotBefore = null;
      }
    }
    if (phase == Phase.SNAPSHOT) {
      // Even after a failed snapshot, list and go on: replication and pruning must not stop.
      startList();
      return this;
    }
    if (report instanceof StepActor.Finished) {
      lastListing = now();
      lastError = null;
      dispatch();
    }
    phase = Phase.IDLE;
    if (pendingList) {
      boolean snapshot = pendingSnapshot;
      pendingList = false;
      pendingSnapshot = false;
      return requestCycle(snapshot);
    }
    scheduleNext();
    return this;
  }

  private void dispatch() {
    cycle++;
    Set<String> present = new HashSet<>(driver.filesystems());
    for (String gone : new ArrayList<>(supervisors.keySet())) {
      if (!present.contains(gone)) {
        getContext().getLog().info("filesystem gone job={} fs=\"{}\"", driver.job(), gone);
        getContext().stop(supervisors.remove(gone));
      }
    }
    for (String fs : driver.filesystems()) {
      ActorRef<FilesystemSupervisor.Command> sup =
          supervisors.computeIfAbsent(fs, this::spawnSupervisor);
      sup.tell(new FilesystemSupervisor.RunCycle(cycle, driver.steps(fs)));
    }
  }

  private ActorRef<FilesystemSupervisor.Command> spawnSupervisor(String fs) {
    FilesystemSupervisor.Context ctx =
        new FilesystemSupervisor.Context(
            driver.job(),
            fs,
            driver.stallTimeout(),
            driver.backoff(),
            node.watchdog(),
            node.transferGate(),
            node.blocking(),
            node.clock(),
            cycleRequests,
            replications);
    return getContext().spawnAnonymous(FilesystemSupervisor.create(ctx));
  }

  private void scheduleNext() {
    Instant now = now();
    Optional<Instant> next = earliest(nextSnapshotDue(now), driver.nextReplanDue(now));
    if (next.isEmpty()) {
      timers.cancel("tick");
      return;
    }
    Duration wait = Duration.between(now, next.get());
    if (wait.isNegative() || wait.isZero()) {
      timers.cancel("tick");
      getContext().getSelf().tell(Tick.INSTANCE);
    } else {
      timers.startSingleTimer("tick", Tick.INSTANCE, wait);
    }
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    JobStatus base =
        new JobStatus(
            driver.job(),
            phase == Phase.IDLE ? "idle" : phase.name().toLowerCase(),
            cycle,
            Optional.ofNullable(lastListing),
            nextSnapshotDue(now()),
            Optional.ofNullable(lastError != null ? lastError : snapshotError),
            List.of());
    getContext()
        .spawnAnonymous(
            Gather.create(
                List.copyOf(supervisors.values()),
                FilesystemSupervisor.GetStatus::new,
                FilesystemStatus.class,
                Duration.ofSeconds(1),
                replies ->
                    new JobStatus(
                        base.job(),
                        base.phase(),
                        base.cycle(),
                        base.lastListing(),
                        base.nextSnapshot(),
                        base.lastError(),
                        replies.stream()
                            .sorted(java.util.Comparator.comparing(FilesystemStatus::filesystem))
                            .toList()),
                get.replyTo()));
    return this;
  }
}
