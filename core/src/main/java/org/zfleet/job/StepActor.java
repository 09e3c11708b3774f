package org.zfleet.job;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Runs one attempt of one step: waits for its gate permit if it needs one, registers with the
 * watchdog, runs the work on the blocking executor, reports the outcome to its parent and stops.
 * When the watchdog says the step stalled, or the parent cancels it, the work's kill hooks run (its
 * {@code zfs} processes die with their children) and the failure is reported at once.
 */
public final class StepActor extends AbstractBehavior<StepActor.Command> {

  public sealed interface Command {}

  /** From the watchdog: no progress for the stall timeout. */
  public record Stall(String reason) implements Command {}

  /** From the parent: give up (shutdown, filesystem vanished). */
  public record Cancel(String reason) implements Command {}

  private record PermitGranted() implements Command {}

  private record WorkDone(StepResult result, Throwable failure) implements Command {}

  /** What a step reports to its parent; exactly one per step. */
  public sealed interface Report {
    StepId id();
  }

  public record Finished(StepId id, StepResult result, Duration took) implements Report {}

  public record Failed(StepId id, String reason, boolean stalled, Throwable cause)
      implements Report {}

  /**
   * Everything a step needs besides its work.
   *
   * @param gates the limits the step takes a permit of before it runs, in this order (the job's own
   *     before the node's, so a job waiting for its own slot holds none of the node's)
   */
  public record Setup(
      StepId id,
      Duration stallTimeout,
      ActorRef<Watchdog.Command> watchdog,
      List<ActorRef<Gate.Command>> gates,
      Executor blocking,
      java.time.Clock clock) {
    public Setup {
      gates = List.copyOf(gates);
    }

    /** With at most one gate. */
    public Setup(
        StepId id,
        Duration stallTimeout,
        ActorRef<Watchdog.Command> watchdog,
        Optional<ActorRef<Gate.Command>> gate,
        Executor blocking,
        java.time.Clock clock) {
      this(id, stallTimeout, watchdog, gate.stream().toList(), blocking, clock);
    }
  }

  private final Setup setup;
  private final StepWork work;
  private final ActorRef<Report> replyTo;
  private final StepControl control;
  private boolean running;
  private boolean reported;
  private int permits;
  private java.time.Instant startedAt;

  public static Behavior<Command> create(Setup setup, StepWork work, ActorRef<Report> replyTo) {
    return create(setup, work, new StepControl(), replyTo);
  }

  /** With a control made by the caller, who may read its progress for status views. */
  public static Behavior<Command> create(
      Setup setup, StepWork work, StepControl control, ActorRef<Report> replyTo) {
    return Behaviors.setup(ctx -> new StepActor(ctx, setup, work, control, replyTo));
  }

  private StepActor(
      ActorContext<Command> context,
      Setup setup,
      StepWork work,
      StepControl control,
      ActorRef<Report> replyTo) {
    super(context);
    this.setup = setup;
    this.control = control;
    this.work = work;
    this.replyTo = replyTo;
    if (setup.gates().isEmpty()) {
      start();
    } else {
      control.progress().phase("waiting for a slot");
      acquireNext();
    }
  }

  private void acquireNext() {
    ActorRef<Gate.Granted> granted =
        getContext().messageAdapter(Gate.Granted.class, g -> new PermitGranted());
    setup
        .gates()
        .get(permits)
        .tell(new Gate.Acquire(setup.id().key(), getContext().getSelf(), granted));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(
            PermitGranted.class,
            g -> {
              if (++permits < setup.gates().size()) {
                acquireNext();
              } else {
                start();
              }
              return this;
            })
        .onMessage(WorkDone.class, this::onWorkDone)
        .onMessage(Stall.class, s -> giveUp(s.reason(), true))
        .onMessage(Cancel.class, c -> giveUp(c.reason(), false))
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private void start() {
    if (running || reported) {
      return;
    }
    running = true;
    startedAt = setup.clock().instant();
    control.progress().phase("running");
    publish(new JobEvent.StepStarted(setup.id(), startedAt));
    setup
        .watchdog()
        .tell(
            new Watchdog.Watch(
                setup.id(), setup.stallTimeout(), control.progress(), getContext().getSelf()));
    CompletableFuture<StepResult> future =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                // Logging fields for the work's own lines (job, filesystem, step, attempt).
                return StepLogContext.around(setup.id(), () -> work.run(control));
              } catch (RuntimeException e) {
                throw e;
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            },
            setup.blocking());
    getContext().pipeToSelf(future, WorkDone::new);
  }

  private Behavior<Command> onWorkDone(WorkDone done) {
    running = false;
    if (!reported) {
      reported = true;
      Duration took = Duration.between(startedAt, setup.clock().instant());
      if (done.failure() == null) {
        replyTo.tell(new Finished(setup.id(), done.result(), took));
        publishEnded(JobEvent.Outcome.OK, done.result().withoutOutput(), "");
      } else {
        Throwable cause = unwrap(done.failure());
        String reason = control.isCancelled() ? control.cancelReason() : describe(cause);
        replyTo.tell(new Failed(setup.id(), reason, false, cause));
        publishEnded(
            cause instanceof ExpectedWait ? JobEvent.Outcome.WAITING : JobEvent.Outcome.FAILED,
            StepResult.of(""),
            reason);
      }
    }
    return Behaviors.stopped();
  }

  private Behavior<Command> giveUp(String reason, boolean stalled) {
    if (!reported) {
      reported = true;
      control.cancel(reason);
      replyTo.tell(new Failed(setup.id(), reason, stalled, null));
      publishEnded(
          stalled ? JobEvent.Outcome.STALLED : JobEvent.Outcome.CANCELLED,
          StepResult.of(""),
          reason);
    }
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    if (running) {
      control.cancel("step stopped");
    }
    if (!reported) {
      // Stopped by its parent or shutdown without a report: listeners still see it end.
      reported = true;
      publishEnded(JobEvent.Outcome.CANCELLED, StepResult.of(""), "step stopped");
    }
    setup.watchdog().tell(new Watchdog.Unwatch(setup.id()));
    setup.gates().forEach(g -> g.tell(new Gate.Release(setup.id().key())));
    return this;
  }

  private void publishEnded(JobEvent.Outcome outcome, StepResult result, String reason) {
    java.time.Instant now = setup.clock().instant();
    Duration took = startedAt == null ? Duration.ZERO : Duration.between(startedAt, now);
    publish(new JobEvent.StepEnded(setup.id(), outcome, took, result, reason, now));
  }

  private void publish(JobEvent event) {
    getContext()
        .getSystem()
        .eventStream()
        .tell(new org.apache.pekko.actor.typed.eventstream.EventStream.Publish<>(event));
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** One line: the exception's message, or its type when it has none. */
  static String describe(Throwable t) {
    String message = t.getMessage();
    return message == null || message.isBlank()
        ? t.getClass().getSimpleName()
        : message.strip().replace('\n', ' ');
  }
}
