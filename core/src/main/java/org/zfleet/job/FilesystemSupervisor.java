package org.zfleet.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One per filesystem and job: runs that filesystem's steps one at a time (replicate per
 * destination, then prune sender, then prune receiver), each in a child {@link StepActor} watched
 * by the watchdog. Different filesystems have different supervisors and proceed in parallel; only
 * the node-wide gates are shared. A failed step is recorded and the cycle goes on with the next
 * step; after its backoff the supervisor asks the job for a fresh cycle. A failed replication is
 * skipped by the cycles that come before then; other steps (pruning) are not, they only get an
 * early retry.
 */
public final class FilesystemSupervisor extends AbstractBehavior<FilesystemSupervisor.Command> {

  public sealed interface Command {}

  /**
   * Runs a cycle's steps; a cycle that arrives while one runs replaces any cycle still waiting, and
   * a waiting cycle is replaced by a fresh listing if a replication finished since it was listed.
   */
  public record RunCycle(long cycle, List<PlannedStep> steps) implements Command {
    public RunCycle {
      steps = List.copyOf(steps);
    }
  }

  public record GetStatus(ActorRef<FilesystemStatus> replyTo) implements Command {}

  /**
   * What a replication to {@code destination} waited for may have happened (its parent filesystem
   * just arrived there): if it is waiting, it is retried now instead of after its backoff.
   */
  public record WaitOver(String destination) implements Command {}

  /** Told to the job when a replication succeeded, so it can release children that wait for it. */
  public record Replicated(String filesystem, String destination) {}

  private record StepReported(StepActor.Report report) implements Command {}

  private record RetryDue(String step) implements Command {}

  /** What the supervisor needs from its job and node. */
  public record Context(
      String job,
      String filesystem,
      Duration stallTimeout,
      Backoff backoff,
      ActorRef<Watchdog.Command> watchdog,
      Optional<ActorRef<Gate.Command>> transferGate,
      Executor blocking,
      Clock clock,
      ActorRef<String> cycleRequests,
      ActorRef<Replicated> replicated) {}

  private final Context ctx;
  private final TimerScheduler<Command> timers;
  private final ActorRef<StepActor.Report> reportAdapter;
  private final Deque<PlannedStep> queue = new ArrayDeque<>();
  private final Map<String, FilesystemStatus.Outcome> outcomes = new LinkedHashMap<>();
  private final Map<String, Integer> failures = new LinkedHashMap<>();
  private final Map<String, Instant> notBefore = new LinkedHashMap<>();
  private final Map<String, Integer> stepFailures = new LinkedHashMap<>();

  /** Pruning steps that failed wait for their backoff too, or every cycle would repeat them. */
  private final Map<String, Instant> stepNotBefore = new LinkedHashMap<>();

  private RunCycle waiting;

  /** A replication finished after the waiting cycle was listed: its plan no longer holds. */
  private boolean waitingStale;

  /**
   * A replication of this cycle moved snapshots: the cycle's pruning judged the listing from before
   * it, so a fresh listing is asked for when the cycle ends (it finds replication up to date and
   * prunes what the new cursor allows).
   */
  private boolean replicatedThisCycle;

  private long cycle;
  private long attempts;
  private PlannedStep current;
  private StepId currentId;
  private ActorRef<StepActor.Command> currentActor;
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
    this.reportAdapter = ac.messageAdapter(StepActor.Report.class, StepReported::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RunCycle.class, this::onRunCycle)
        .onMessage(StepReported.class, this::onStepReported)
        .onMessage(RetryDue.class, this::onRetryDue)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(WaitOver.class, this::onWaitOver)
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
    queue.addAll(run.steps());
    runNext();
  }

  /**
   * A step that failed waits for its backoff (its retry timer asks for a cycle when it is over).
   * Decided when the step's turn comes, so a replication earlier in the same cycle can release a
   * prune that was waiting for its cursor.
   */
  private boolean inBackoff(PlannedStep step) {
    Instant due =
        step.kind() == StepKind.REPLICATE
            ? notBefore.get(step.destination())
            : stepNotBefore.get(key(step.kind(), step.destination()));
    return due != null && ctx.clock().instant().isBefore(due);
  }

  private void runNext() {
    current = queue.pollFirst();
    while (current != null && inBackoff(current)) {
      current = queue.pollFirst();
    }
    if (current == null) {
      if (waiting != null && waitingStale) {
        // Listed while this filesystem's replication was moving both sides: plan afresh.
        waiting = null;
        waitingStale = false;
        replicatedThisCycle = false;
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
        replicatedThisCycle = false;
        startCycle(next);
      } else if (replicatedThisCycle) {
        replicatedThisCycle = false;
        ctx.cycleRequests().tell(ctx.filesystem());
      }
      return;
    }
    currentId =
        new StepId(ctx.job(), ctx.filesystem(), current.kind(), current.destination(), ++attempts);
    StepActor.Setup setup =
        new StepActor.Setup(
            currentId,
            ctx.stallTimeout(),
            ctx.watchdog(),
            current.kind() == StepKind.REPLICATE ? ctx.transferGate() : Optional.empty(),
            ctx.blocking(),
            ctx.clock());
    StepControl control = new StepControl();
    currentActor =
        getContext()
            .spawnAnonymous(StepActor.create(setup, current.work(), control, reportAdapter));
    currentProgress = control.progress();
    currentSince = ctx.clock().instant();
  }

  private Behavior<Command> onStepReported(StepReported reported) {
    StepActor.Report report = reported.report();
    if (current == null || !report.id().equals(currentId)) {
      return this; // a late report from a step already given up on
    }
    String key = key(current.kind(), current.destination());
    Instant now = ctx.clock().instant();
    if (report instanceof StepActor.Finished finished) {
      outcomes.put(
          key,
          new FilesystemStatus.Outcome(
              current.kind(),
              current.destination(),
              true,
              finished.result().summary(),
              now,
              false,
              false));
      if (current.kind() == StepKind.REPLICATE) {
        failures.remove(current.destination());
        notBefore.remove(current.destination());
        waitingStale |= waiting != null;
        replicatedThisCycle |= finished.result().bytes() > 0;
        ctx.replicated().tell(new Replicated(ctx.filesystem(), current.destination()));
        // A replication moves the cursors that pruning depends on: let failed pruning run again.
        for (String pruneKey : List.copyOf(stepNotBefore.keySet())) {
          clearStepBackoff(pruneKey);
        }
      } else {
        clearStepBackoff(key);
      }
      getContext()
          .getLog()
          .info(
              "step done {} took={} result=\"{}\"",
              currentId,
              Durations.human(finished.took()),
              finished.result().summary());
    } else if (report instanceof StepActor.Failed failed) {
      // A wait is no failure of the step: it is retried after the shortest backoff, which does not
      // grow.
      boolean expected = failed.cause() instanceof ExpectedWait;
      outcomes.put(
          key,
          new FilesystemStatus.Outcome(
              current.kind(),
              current.destination(),
              false,
              failed.reason(),
              now,
              failed.stalled(),
              expected));
      String retry = "";
      if (current.kind() == StepKind.REPLICATE) {
        int n = expected ? 1 : failures.merge(current.destination(), 1, Integer::sum);
        Duration wait = ctx.backoff().after(n);
        notBefore.put(current.destination(), now.plus(wait));
        timers.startSingleTimer(
            "retry-" + current.destination(), new RetryDue(current.destination()), wait);
        retry = " retry_in=" + Durations.human(wait);
      } else {
        Duration wait =
            ctx.backoff().after(expected ? 1 : stepFailures.merge(key, 1, Integer::sum));
        stepNotBefore.put(key, now.plus(wait));
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
    current = null;
    currentActor = null;
    runNext();
    return this;
  }

  private void clearStepBackoff(String key) {
    stepFailures.remove(key);
    if (stepNotBefore.remove(key) != null) {
      timers.cancel("retry-" + key);
    }
  }

  private Behavior<Command> onWaitOver(WaitOver over) {
    FilesystemStatus.Outcome last = outcomes.get(key(StepKind.REPLICATE, over.destination()));
    if (last != null && last.waiting() && notBefore.remove(over.destination()) != null) {
      timers.cancel("retry-" + over.destination());
      ctx.cycleRequests().tell(ctx.filesystem());
    }
    return this;
  }

  private Behavior<Command> onRetryDue(RetryDue due) {
    ctx.cycleRequests().tell(ctx.filesystem());
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    Optional<FilesystemStatus.Running> running = Optional.empty();
    if (current != null) {
      running =
          Optional.of(
              new FilesystemStatus.Running(
                  current.kind(),
                  current.destination(),
                  currentProgress.phase(),
                  currentProgress.bytes(),
                  currentProgress.expectedBytes(),
                  currentSince));
    }
    List<FilesystemStatus.Retry> retries = new ArrayList<>();
    notBefore.forEach(
        (dest, at) ->
            retries.add(new FilesystemStatus.Retry(dest, failures.getOrDefault(dest, 0), at)));
    get.replyTo()
        .tell(
            new FilesystemStatus(
                ctx.job(),
                ctx.filesystem(),
                running,
                List.copyOf(outcomes.values()),
                retries,
                cycle));
    return this;
  }

  private static String key(StepKind kind, String destination) {
    return kind.label() + "|" + destination;
  }
}
