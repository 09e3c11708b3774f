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
  private final CycleFreshness freshness = new CycleFreshness();

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
        .onMessage(ListingStarted.class, this::onListingStarted)
        .onMessage(Reset.class, this::onReset)
        .build();
  }

  private Behavior<Command> onRunCycle(RunCycle run) {
    if (current != null || !queue.isEmpty()) {
      waiting = run;
      return this;
    }
    startOrSkip(run);
    return this;
  }

  private Behavior<Command> onListingStarted(ListingStarted started) {
    freshness.listingStarted(started.listing());
    return this;
  }

  /**
   * Runs a cycle listed after this filesystem's last change; one listed before it is skipped (and a
   * fresh listing asked for if it shows snapshots this filesystem's own view lacks).
   */
  private void startOrSkip(RunCycle run) {
    if (freshness.fresh(run.listing()) || plan == null) {
      startCycle(run);
      return;
    }
    cycle = run.cycle();
    if (CycleFreshness.hasNewerSnapshots(run.plan().view(), plan.view())) {
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
    current = nextToRun();
    if (current == null) {
      if (waiting != null) {
        RunCycle next = waiting;
        waiting = null;
        startOrSkip(next);
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

  /**
   * The next step whose turn it is: not in its backoff, and not a first receive whose replicated
   * parent has not arrived (that one waits, without a process, for the job's word that the parent
   * arrived).
   */
  private StepSpec nextToRun() {
    for (StepSpec next = queue.pollFirst(); next != null; next = queue.pollFirst()) {
      if (book.inBackoff(StepKind.of(next), next.destination(), now())) {
        continue;
      }
      Optional<StepSpec> admitted = freshness.admit(next);
      if (admitted.isEmpty()) {
        StepSpec.Replicate r = (StepSpec.Replicate) next;
        String reason = "waiting for " + r.plan().awaitParent().get() + " to be received first";
        book.failed(StepKind.REPLICATE, r.destination(), reason, false, true, now());
        getContext()
            .getLog()
            .info(
                "step waiting job={} fs=\"{}\" step=replicate dest={} reason=\"{}\"",
                ctx.job(),
                ctx.filesystem(),
                r.destination(),
                reason);
        continue;
      }
      return admitted.get();
    }
    return null;
  }

  private Behavior<Command> onReport(StepActor.Report report) {
    if (current == null || !report.id().equals(currentId)) {
      return this; // a late report from a step already given up on
    }
    StepKind kind = StepKind.of(current);
    String dest = current.destination();
    freshness.stepEnded(current, report);
    if (report instanceof StepActor.Finished finished) {
      String summary = finished.result().summary();
      book.succeeded(kind, dest, summary, now()).forEach(k -> timers.cancel("retry-" + k));
      if (kind == StepKind.REPLICATE) {
        if (CycleFreshness.replicaExists(current, finished.result())) {
          DatasetName replica = ((StepSpec.Replicate) current).plan().target();
          ctx.replicated().tell(new Replicated(ctx.filesystem(), dest, replica));
        }
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
    String retry;
    if (expected && kind != StepKind.REPLICATE) {
      // Pruning that waits for a cursor goes on after the replication that sets it (planned again
      // then): a listing of the whole job on its behalf would find nothing new.
      retry = "";
    } else {
      timers.startSingleTimer("retry-" + key, new RetryDue(key), wait);
      retry = " retry_in=" + Durations.human(wait);
    }
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
      freshness.stepLost();
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
      freshness.stepLost(); // it may have changed something before it was stopped
    }
    queue.clear();
    waiting = null;
    book.reset().forEach(k -> timers.cancel("retry-" + k));
    ctx.cycleRequests().tell(ctx.filesystem());
    return this;
  }

  /**
   * The replicated parent arrived at a destination: a first receive that waited for it goes now,
   * from the plan it has (its receiver side has not changed), without a listing.
   */
  private Behavior<Command> onWaitOver(WaitOver over) {
    freshness.parentArrived(over.destination(), over.replica());
    if (plan != null && !waitsForAnother(over) && book.waitOver(over.destination())) {
      timers.cancel("retry-" + StepBook.key(StepKind.REPLICATE, over.destination()));
      plan.steps().stream()
          .filter(
              s -> s instanceof StepSpec.Replicate && s.destination().equals(over.destination()))
          .findFirst()
          .ifPresent(queue::addFirst);
      if (current == null) {
        runNext();
      }
    }
    return this;
  }

  /** Whether this cycle's first receive to the destination waits for another replica than that. */
  private boolean waitsForAnother(WaitOver over) {
    return plan.steps().stream()
        .filter(s -> s instanceof StepSpec.Replicate && s.destination().equals(over.destination()))
        .map(s -> ((StepSpec.Replicate) s).plan().awaitParent())
        .anyMatch(awaited -> awaited.isPresent() && !awaited.get().equals(over.replica()));
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
