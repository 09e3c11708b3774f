package org.zfleet.node.health;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.zfleet.job.FilesystemStatus;
import org.zfleet.job.JobEvent;
import org.zfleet.job.JobStatus;
import org.zfleet.job.StepKind;
import org.zfleet.node.daemon.NodeGuardian;

/**
 * Feeds the {@link NodeMonitor}: listens to the node's {@link JobEvent}s on the event stream, polls
 * the guardian's status for running transfers, probes ZFS off the actor, estimates transfer sizes,
 * and keeps the freshness state file up to date (at most every few seconds, and when it stops).
 */
public final class MonitorActor extends AbstractBehavior<MonitorActor.Command> {

  public sealed interface Command {}

  private record Event(JobEvent event) implements Command {}

  private record Polled(Optional<NodeGuardian.NodeStatus> status) implements Command {}

  private record ZfsProbed(boolean answering) implements Command {}

  private record Estimated(String job, String fs, String dest, String phase, long bytes)
      implements Command {}

  private enum Tick implements Command {
    POLL,
    PROBE,
    SAVE
  }

  /** What the actor works with. */
  public record Setup(
      NodeMonitor monitor,
      ActorRef<NodeGuardian.Command> guardian,
      Executor blocking,
      BooleanSupplier zfsProbe,
      SizeEstimates sizes,
      Optional<FreshnessStateFile> stateFile,
      Duration pollInterval) {}

  private final Setup setup;
  private boolean probing;

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  start(timers, setup);
                  return new MonitorActor(ctx, setup);
                }));
  }

  private static void start(TimerScheduler<Command> timers, Setup setup) {
    timers.startTimerWithFixedDelay(Tick.POLL, Duration.ZERO, setup.pollInterval());
    timers.startTimerWithFixedDelay(Tick.PROBE, Duration.ZERO, Duration.ofSeconds(10));
    timers.startTimerWithFixedDelay(Tick.SAVE, Duration.ofSeconds(2));
  }

  private MonitorActor(ActorContext<Command> ctx, Setup setup) {
    super(ctx);
    this.setup = setup;
    ActorRef<JobEvent> events = ctx.messageAdapter(JobEvent.class, Event::new);
    ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(JobEvent.class, events));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Event.class, e -> onEvent(e.event()))
        .onMessage(Polled.class, this::onPolled)
        .onMessage(ZfsProbed.class, p -> onProbed(p.answering()))
        .onMessage(Estimated.class, this::onEstimated)
        .onMessageEquals(Tick.POLL, this::poll)
        .onMessageEquals(Tick.PROBE, this::probe)
        .onMessageEquals(Tick.SAVE, this::save)
        .onSignal(PostStop.class, s -> save())
        .build();
  }

  private Behavior<Command> onEvent(JobEvent event) {
    setup.monitor().onEvent(event);
    return this;
  }

  /** A transfer's size is estimated once it has moved this much. */
  static final long ESTIMATE_FROM_BYTES = 4L * 1024 * 1024;

  private Behavior<Command> poll() {
    getContext()
        .ask(
            NodeGuardian.NodeStatus.class,
            setup.guardian(),
            Duration.ofSeconds(5),
            NodeGuardian.GetStatus::new,
            (status, failure) -> new Polled(Optional.ofNullable(status)));
    return this;
  }

  private Behavior<Command> onPolled(Polled polled) {
    if (polled.status().isEmpty()) {
      setup.monitor().refreshFreshness(setup.monitor().clock().instant());
      return this;
    }
    setup.monitor().onStatus(polled.status().get());
    for (JobStatus job : polled.status().get().jobs()) {
      for (FilesystemStatus fs : job.filesystems()) {
        fs.running()
            .filter(r -> r.kind() == StepKind.REPLICATE && r.expectedBytes() <= 0)
            // A zfs get per transfer is worth it only for one that lasts: at scale most streams
            // of a cycle are a few KiB and over before anyone reads their ETA.
            .filter(r -> r.bytes() >= ESTIMATE_FROM_BYTES)
            .ifPresent(r -> estimate(job.job(), fs.filesystem(), r.destination(), r.phase()));
      }
    }
    return this;
  }

  private void estimate(String job, String fs, String dest, String phase) {
    if (!setup.sizes().covers(job) || setup.monitor().hasEstimate(job, fs, dest, phase)) {
      return;
    }
    // Asked once per phase: a failed estimate is remembered as unknown (-1).
    setup.monitor().estimated(job, fs, dest, phase, -1);
    CompletableFuture<OptionalLong> size =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return setup.sizes().estimate(job, fs, phase);
              } catch (RuntimeException e) {
                return OptionalLong.empty();
              }
            },
            setup.blocking());
    getContext()
        .pipeToSelf(
            size,
            (bytes, failure) ->
                new Estimated(
                    job,
                    fs,
                    dest,
                    phase,
                    bytes == null || bytes.isEmpty() ? -1 : bytes.getAsLong()));
  }

  private Behavior<Command> onEstimated(Estimated e) {
    setup.monitor().estimated(e.job(), e.fs(), e.dest(), e.phase(), e.bytes());
    return this;
  }

  private Behavior<Command> probe() {
    if (probing) {
      return this;
    }
    probing = true;
    CompletableFuture<Boolean> answer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return setup.zfsProbe().getAsBoolean();
              } catch (RuntimeException e) {
                return false;
              }
            },
            setup.blocking());
    getContext().pipeToSelf(answer, (ok, failure) -> new ZfsProbed(ok != null && ok));
    return this;
  }

  private Behavior<Command> onProbed(boolean answering) {
    probing = false;
    setup.monitor().zfsAnswering(answering);
    return this;
  }

  private Behavior<Command> save() {
    if (setup.stateFile().isPresent() && setup.monitor().board().takeDirty()) {
      try {
        setup.stateFile().get().write(setup.monitor().board().replicas());
      } catch (Exception e) {
        getContext()
            .getLog()
            .warn(
                "freshness state not written file={} reason=\"{}\"",
                setup.stateFile().get().path(),
                e.getMessage());
      }
    }
    return this;
  }
}
