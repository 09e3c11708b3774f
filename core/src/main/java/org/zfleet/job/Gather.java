package org.zfleet.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Asks several actors the same question and answers once with what they said: when all have
 * replied, or after {@code patience} with the replies that came (a busy node still answers a status
 * query).
 */
public final class Gather {

  private Gather() {}

  private sealed interface Event<A> {}

  private record Reply<A>(A answer) implements Event<A> {}

  private record Timeout<A>() implements Event<A> {}

  private record Gone<A>() implements Event<A> {}

  /**
   * @param question makes the question for one target from the address its answer goes to
   * @param combine turns the replies (in arrival order) into the one answer for {@code replyTo}
   */
  public static <Q, A, R> Behavior<Object> create(
      List<ActorRef<Q>> targets,
      Function<ActorRef<A>, Q> question,
      Class<A> answerType,
      Duration patience,
      Function<List<A>, R> combine,
      ActorRef<R> replyTo) {
    return Behaviors.<Object>setup(
        ctx -> {
          List<A> replies = new ArrayList<>();
          if (targets.isEmpty()) {
            replyTo.tell(combine.apply(replies));
            return Behaviors.stopped();
          }
          ActorRef<A> adapter = ctx.messageAdapter(answerType, a -> new Reply<>(a));
          // A target that stops before it answers (a filesystem that just vanished) is not
          // waited for.
          int[] expected = {targets.size()};
          targets.forEach(
              t -> {
                ctx.watchWith(t, new Gone<A>());
                t.tell(question.apply(adapter));
              });
          return Behaviors.withTimers(
              timers -> {
                timers.startSingleTimer(new Timeout<A>(), patience);
                return Behaviors.receive(Object.class)
                    .onMessage(
                        Reply.class,
                        r -> {
                          @SuppressWarnings("unchecked")
                          A answer = ((Reply<A>) r).answer();
                          replies.add(answer);
                          if (replies.size() < expected[0]) {
                            return Behaviors.same();
                          }
                          replyTo.tell(combine.apply(replies));
                          return Behaviors.stopped();
                        })
                    .onMessage(
                        Gone.class,
                        g -> {
                          expected[0]--;
                          if (replies.size() < expected[0]) {
                            return Behaviors.same();
                          }
                          replyTo.tell(combine.apply(replies));
                          return Behaviors.stopped();
                        })
                    .onMessage(
                        Timeout.class,
                        t -> {
                          replyTo.tell(combine.apply(replies));
                          return Behaviors.stopped();
                        })
                    .build();
              });
        });
  }
}
