package org.zfleet.job;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A node-wide limit, such as concurrent transfers: permits granted first come, first served,
 * without blocking a thread per waiter. A holder that stops without releasing (it crashed or was
 * stopped by its supervisor) gives its permit back.
 */
public final class Gate extends AbstractBehavior<Gate.Command> {

  public sealed interface Command {}

  /** Asks for a permit for {@code holder}; {@code owner} is watched so a dead holder frees it. */
  public record Acquire(String holder, ActorRef<?> owner, ActorRef<Granted> replyTo)
      implements Command {}

  public record Release(String holder) implements Command {}

  public record GetState(ActorRef<State> replyTo) implements Command {}

  public record Granted(String holder) {}

  public record State(String name, int permits, int inUse, int waiting) {}

  private record OwnerStopped(String holder) implements Command {}

  private final String name;
  private final int permits;
  private final Map<String, ActorRef<?>> holders = new HashMap<>();
  private final Deque<Acquire> waiting = new ArrayDeque<>();

  public static Behavior<Command> create(String name, int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("gate " + name + " needs at least one permit");
    }
    return Behaviors.setup(ctx -> new Gate(ctx, name, permits));
  }

  private Gate(ActorContext<Command> context, String name, int permits) {
    super(context);
    this.name = name;
    this.permits = permits;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Release.class, r -> release(r.holder()))
        .onMessage(OwnerStopped.class, r -> release(r.holder()))
        .onMessage(GetState.class, this::onGetState)
        .build();
  }

  private Behavior<Command> onAcquire(Acquire acquire) {
    if (holders.containsKey(acquire.holder())) {
      acquire.replyTo().tell(new Granted(acquire.holder()));
    } else if (holders.size() < permits) {
      grant(acquire);
    } else {
      getContext().watchWith(acquire.owner(), new OwnerStopped(acquire.holder()));
      waiting.addLast(acquire);
    }
    return this;
  }

  private void grant(Acquire acquire) {
    holders.put(acquire.holder(), acquire.owner());
    getContext().watchWith(acquire.owner(), new OwnerStopped(acquire.holder()));
    acquire.replyTo().tell(new Granted(acquire.holder()));
  }

  private Behavior<Command> release(String holder) {
    ActorRef<?> owner = holders.remove(holder);
    if (owner != null) {
      getContext().unwatch(owner);
    } else {
      // A waiter that gave up (or stopped) before it was granted.
      waiting.removeIf(
          a -> {
            if (!a.holder().equals(holder)) {
              return false;
            }
            getContext().unwatch(a.owner());
            return true;
          });
    }
    while (holders.size() < permits && !waiting.isEmpty()) {
      grant(waiting.removeFirst());
    }
    return this;
  }

  private Behavior<Command> onGetState(GetState get) {
    get.replyTo().tell(new State(name, permits, holders.size(), waiting.size()));
    return this;
  }
}
