package org.zfleet.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Watches every running step of a node. Each check compares a step's progress counter with the last
 * one seen; a step whose counter has not moved for its stall timeout is told to stall, which kills
 * its processes. Time is counted in checks, so a stalled step is stopped within its timeout plus
 * one check interval, and tests drive it with the scheduler's manual time.
 */
public final class Watchdog extends AbstractBehavior<Watchdog.Command> {

  public sealed interface Command {}

  /** Starts watching a step. */
  public record Watch(
      StepId id, Duration stallTimeout, StepProgress progress, ActorRef<StepActor.Command> step)
      implements Command {}

  /** Stops watching a step (it finished). */
  public record Unwatch(StepId id) implements Command {}

  public record GetWatched(ActorRef<List<WatchedStep>> replyTo) implements Command {}

  /** One watched step as the status view sees it. */
  public record WatchedStep(
      StepId id, String phase, long bytes, Duration quietFor, Duration stallTimeout) {}

  private enum Check implements Command {
    INSTANCE
  }

  private static final class Entry {
    final Watch watch;
    long lastCounter;
    long quietSince;

    Entry(Watch watch, long now) {
      this.watch = watch;
      this.lastCounter = watch.progress().counter();
      this.quietSince = now;
    }
  }

  private final Duration checkInterval;
  private final Map<StepId, Entry> watched = new LinkedHashMap<>();

  /** Logical time in nanoseconds: the number of checks so far times the check interval. */
  private long now;

  public static Behavior<Command> create(Duration checkInterval) {
    if (checkInterval.isNegative() || checkInterval.isZero()) {
      throw new IllegalArgumentException("watchdog check interval must be positive");
    }
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerAtFixedRate(Check.INSTANCE, checkInterval);
                  return new Watchdog(ctx, checkInterval);
                }));
  }

  private Watchdog(ActorContext<Command> context, Duration checkInterval) {
    super(context);
    this.checkInterval = checkInterval;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Watch.class, this::onWatch)
        .onMessage(Unwatch.class, this::onUnwatch)
        .onMessage(GetWatched.class, this::onGetWatched)
        .onMessageEquals(Check.INSTANCE, this::onCheck)
        .build();
  }

  private Behavior<Command> onWatch(Watch watch) {
    watched.put(watch.id(), new Entry(watch, now));
    getContext().watchWith(watch.step(), new Unwatch(watch.id()));
    return this;
  }

  private Behavior<Command> onUnwatch(Unwatch unwatch) {
    Entry entry = watched.remove(unwatch.id());
    if (entry != null) {
      getContext().unwatch(entry.watch.step());
    }
    return this;
  }

  private Behavior<Command> onGetWatched(GetWatched get) {
    List<WatchedStep> out = new ArrayList<>();
    for (Entry e : watched.values()) {
      out.add(
          new WatchedStep(
              e.watch.id(),
              e.watch.progress().phase(),
              e.watch.progress().bytes(),
              Duration.ofNanos(now - e.quietSince),
              e.watch.stallTimeout()));
    }
    get.replyTo().tell(List.copyOf(out));
    return this;
  }

  private Behavior<Command> onCheck() {
    now += checkInterval.toNanos();
    List<StepId> stalled = new ArrayList<>();
    for (Entry e : watched.values()) {
      long counter = e.watch.progress().counter();
      if (counter != e.lastCounter) {
        e.lastCounter = counter;
        e.quietSince = now;
      } else if (now - e.quietSince >= e.watch.stallTimeout().toNanos()) {
        stalled.add(e.watch.id());
      }
    }
    for (StepId id : stalled) {
      Entry e = watched.remove(id);
      getContext().unwatch(e.watch.step());
      String reason =
          "no progress for "
              + Durations.human(Duration.ofNanos(now - e.quietSince))
              + " (stall timeout "
              + Durations.human(e.watch.stallTimeout())
              + ", phase "
              + e.watch.progress().phase()
              + ", "
              + e.watch.progress().bytes()
              + " bytes moved)";
      getContext().getLog().warn("step stalled {} reason=\"{}\"", id, reason);
      e.watch.step().tell(new StepActor.Stall(reason));
    }
    return this;
  }
}
