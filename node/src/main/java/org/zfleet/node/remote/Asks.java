package org.zfleet.node.remote;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;
import org.zfleet.replication.ReceiverDirectory;

/**
 * Asks an actor and waits for the answer on the calling thread. Only for callers that run on their
 * own threads (replication steps), never on an actor.
 */
final class Asks {

  private Asks() {}

  /**
   * The answer to {@code request}; {@link ReceiverDirectory.Unavailable} saying that {@code whom}
   * did not answer {@code what} if no answer came within {@code timeout}.
   */
  static <Q, R> R ask(
      Scheduler scheduler,
      ActorRef<Q> target,
      Function<ActorRef<R>, Q> request,
      Duration timeout,
      String whom,
      String what) {
    try {
      return AskPattern.ask(target, request, timeout, scheduler)
          .toCompletableFuture()
          // The ask times out by itself; the margin only guards against a scheduler that stalls.
          .get(timeout.toMillis() + 5_000, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new ReceiverDirectory.Unavailable(
          whom + " did not answer " + what + " within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReceiverDirectory.Unavailable(
          "interrupted while waiting for " + whom + " to answer " + what);
    }
  }
}
