package org.zfleet.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.StepSpec;

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
   * Runs a cycle's steps; a cycle that arrives while one runs replaces any cycle still waiting, and
   * a waiting cycle is replaced by a fresh listing if a replication finished since it was listed.
   */
  public record RunCycle(long cycle, FilesystemCycle plan, CyclePorts ports) implements Command {}

  public record GetStatus(ActorRef<FilesystemStatus> replyTo) implements Command {}

  /**
   * What a replication to {@code destination} waited for may have happened (its parent filesystem
   * just arrived there): if it is waiting, it is retried now instead of after its backoff.
   */
  public record WaitOver(String destination) implements Command {}

  /**
   * {@code zfleet signal reset} (zrepl's meaning): stops the running steps and clears their
   * backoff, so an operator who fixed a cause does not wait out the retry.
   */
  public record Reset() implements Command {}

  /** Told to the job when a replication succeeded, so it can release children that wait for it. */
  public record Replicated(String filesystem, String destination) {}

  private record StepReported(StepActor.Report report) implements Command {}

  private record StepStopped(StepId id) implements Command {}

  private record RetryDue(String key) implements Command {}

  /**
   * What the supervisor needs from its job and node.
   *
   * @param replicationGates the job's replication gate and the node's transfer gate, in the order a
   *     replication takes their permits
   */
  public record Context(
      String job,
      String filesystem,
      Duration stallTimeout,
      Backoff backoff,
      StepRunner runner,
      ActorRef<Watchdog.Command> watchdog,
      List<ActorRef<Gate.Command>> replicationGates,
      Executor blocking,
      Clock clock,
      ActorRef<String> cycleRequests,
      ActorRef<Replicated> replicated) {}

  private final Context ctx;
  private final TimerScheduler<Command> timers;
  private final ActorRef<StepActor.Report> reportAdapter;
  private final StepBook book;
  private final Deque<StepSpec> queue = new ArrayDeque<>();
  private FilesystemCycle plan;
  private CyclePorts ports = CyclePorts.NONE;
  private RunCycle waiting;

  /** A replication finished after the waiting cycle was listed: its plan no longer holds. */
  private boolean waitingStale;

  private long cycle;
  private long attempts;
  private StepSpec current;
  private StepId currentId;
  private ActorRef<StepActor.Command> currentStep;
  private StepProgress currentProgress;
  private Instant currentSince;

  public static Behavior<Command> create(Context context) {
    return Behaviors.setup(
        ac -> Behaviors.withTimers(timers -> new FilesystemSupervisor(ac, timers, context)));
  }

  private FilesystemSupervisor(
      ActorContext<Command> ac, TimerScheduler<Command> timers, Context ctx) {
    super(ac);
    this.ctx = ctx;
    this.timers = timers;
    this.book = new StepBook(ctx.backoff());
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
        .onMessage(WaitOver.class, this::onWaitOver)
        .onMessage(Reset.class, this::onReset)
        .build();
  }

  private Behavior<Command> onRunCycle(RunCycle run) {
    if (current != null || !queue.isEmpty()) {
      waiting = run;
      waitingStale = false;
      return this;
    }
    startCycle(run);
    return this;
  }

  private void startCycle(RunCycle run) {
    cycle = run.cycle();
    plan = run.plan();
    ports = run.ports();
    queue.addAll(plan.steps());
    runNext();
  }

  private Instant now() {
    return ctx.clock().instant();
  }

  /**
   * A step that failed waits for its backoff (its retry timer asks for a cycle when it is over).
   * Decided when the step's turn comes, so a replication earlier in the same cycle can release a
   * prune that was waiting for its cursor.
   */
  private void runNext() {
    current = queue.pollFirst();
    while (current != null && book.inBackoff(StepKind.of(current), current.destination(), now())) {
      current = queue.pollFirst();
    }
    if (current == null) {
      if (waiting != null && waitingStale) {
        // Listed while this filesystem's replication was moving both sides: plan afresh.
        waiting = null;
        waitingStale = false;
        getContext()
            .getLog()
            .info(
                "cycle listed during a replication, asking for a fresh listing job={} fs=\"{}\"",
                ctx.job(),
                ctx.filesystem());
        ctx.cycleRequests().tell(ctx.filesystem());
      } else if (waiting != null) {
        RunCycle next = waiting;
        waiting = null;
        startCycle(next);
      }
      return;
    }
    StepKind kind = StepKind.of(current);
    currentId = new StepId(ctx.job(), ctx.filesystem(), kind, current.destination(), ++attempts);
    StepActor.Setup setup =
        new StepActor.Setup(
            currentId,
            ctx.stallTimeout(),
            ctx.watchdog(),
            kind == StepKind.REPLICATE ? ctx.replicationGates() : List.of(),
            ctx.blocking(),
            ctx.clock());
    StepControl control = new StepControl();
    ActorRef<StepActor.Command> step =
        getContext()
            .spawnAnonymous(
                StepActor.create(
                    setup, ctx.runner().workOrFailure(current, ports), control, reportAdapter));
    // A step that stops without reporting (it failed in a way it could not report) must not leave
    // this filesystem waiting for ever.
    getContext().watchWith(step, new StepStopped(currentId));
    currentStep = step;
    currentProgress = control.progress();
    currentSince = now();
  }

  private Behavior<Command> onReport(StepActor.Report report) {
    if (current == null || !report.id().equals(currentId)) {
      return this; // a late report from a step already given up on
    }
    StepKind kind = StepKind.of(current);
    String dest = current.destination();
    if (report instanceof StepActor.Finished finished) {
      String summary = finished.result().summary();
      book.succeeded(kind, dest, summary, now()).forEach(k -> timers.cancel("retry-" + k));
      if (kind == StepKind.REPLICATE) {
        waitingStale |= waiting != null;
        ctx.replicated().tell(new Replicated(ctx.filesystem(), dest));
        finished
            .result()
            .output()
            .filter(o -> o instanceof StepOutput.Replicated)
            .ifPresent(o -> replanAfter((StepOutput.Replicated) o));
      }
      getContext()
          .getLog()
          .info(
              "step done {} took={} result=\"{}\"",
              currentId,
              Durations.human(finished.took()),
              summary);
    } else {
      failed((StepActor.Failed) report, kind, dest);
    }
    current = null;
    runNext();
    return this;
  }

  /**
   * The replication moved this filesystem's state on: the steps still to come (pruning) are planned
   * again from it rather than from the listing, which predates the replication.
   */
  private void replanAfter(StepOutput.Replicated replicated) {
    plan = plan.after(replicated.effect());
    List<StepSpec> replications =
        queue.stream().filter(s -> StepKind.of(s) == StepKind.REPLICATE).toList();
    queue.clear();
    queue.addAll(replications);
    plan.steps().stream().filter(s -> StepKind.of(s) != StepKind.REPLICATE).forEach(queue::add);
  }

  private void failed(StepActor.Failed failed, StepKind kind, String dest) {
    boolean expected = failed.cause() instanceof ExpectedWait;
    Duration wait = book.failed(kind, dest, failed.reason(), failed.stalled(), expected, now());
    String key = StepBook.key(kind, dest);
    timers.startSingleTimer("retry-" + key, new RetryDue(key), wait);
    String retry = " retry_in=" + Durations.human(wait);
    if (expected) {
      getContext()
          .getLog()
          .info("step waiting {} reason=\"{}\"{}", currentId, failed.reason(), retry);
    } else {
      getContext()
          .getLog()
          .warn("step failed {} reason=\"{}\"{}", currentId, failed.reason(), retry);
    }
  }

  private Behavior<Command> onStepStopped(StepStopped stopped) {
    if (current != null && stopped.id().equals(currentId)) {
      getContext().getLog().error("step stopped without reporting {}", currentId);
      failed(
          new StepActor.Failed(currentId, "step stopped without reporting", false, null),
          StepKind.of(current),
          current.destination());
      current = null;
      runNext();
    }
    return this;
  }

  /**
   * Stops the running step (its work is cancelled: its processes are killed; no failure is
   * counted), drops what was queued, clears every backoff and asks the job for a fresh cycle.
   */
  private Behavior<Command> onReset(Reset reset) {
    if (current != null) {
      getContext().getLog().info("step stopped by a reset {}", currentId);
      getContext().unwatch(currentStep);
      getContext().stop(currentStep);
      current = null;
      currentId = null;
      currentStep = null;
    }
    queue.clear();
    waiting = null;
    waitingStale = false;
    book.reset().forEach(k -> timers.cancel("retry-" + k));
    ctx.cycleRequests().tell(ctx.filesystem());
    return this;
  }

  private Behavior<Command> onWaitOver(WaitOver over) {
    if (book.waitOver(over.destination())) {
      timers.cancel("retry-" + StepBook.key(StepKind.REPLICATE, over.destination()));
      ctx.cycleRequests().tell(ctx.filesystem());
    }
    return this;
  }

  private Behavior<Command> askForCycle(RetryDue due) {
    ctx.cycleRequests().tell(ctx.filesystem());
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    Optional<FilesystemStatus.Running> running = Optional.empty();
    if (current != null) {
      running =
          Optional.of(
              new FilesystemStatus.Running(
                  StepKind.of(current),
                  current.destination(),
                  currentProgress.phase(),
                  currentProgress.bytes(),
                  currentProgress.expectedBytes(),
                  currentSince));
    }
    get.replyTo()
        .tell(
            new FilesystemStatus(
                ctx.job(), ctx.filesystem(), running, book.outcomes(), book.retries(), cycle));
    return this;
  }
}
