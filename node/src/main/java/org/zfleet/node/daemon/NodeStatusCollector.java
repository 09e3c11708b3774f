package org.zfleet.node.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.zfleet.job.JobActor;
import org.zfleet.job.JobStatus;

/** Gathers every job's status for one query; answers with what it has after two seconds. */
final class NodeStatusCollector {

  private static final Duration PATIENCE = Duration.ofSeconds(2);

  private sealed interface Event {}

  private record Reply(JobStatus status) implements Event {}

  private enum Timeout implements Event {
    INSTANCE
  }

  private NodeStatusCollector() {}

  static Behavior<Event> create(
      String node, List<ActorRef<JobActor.Command>> jobs, List<String> passive, ActorRef<NodeGuardian.NodeStatus> replyTo) {
    return Behaviors.setup(
        ctx -> {
          List<JobStatus> collected = new ArrayList<>();
          if (jobs.isEmpty()) {
            replyTo.tell(new NodeGuardian.NodeStatus(node, List.of(), passive));
            return Behaviors.stopped();
          }
          ActorRef<JobStatus> adapter = ctx.messageAdapter(JobStatus.class, Reply::new);
          jobs.forEach(j -> j.tell(new JobActor.GetStatus(adapter)));
          return Behaviors.withTimers(
              timers -> {
                timers.startSingleTimer(Timeout.INSTANCE, PATIENCE);
                return Behaviors.receive(Event.class)
                    .onMessage(Reply.class, r -> {
                      collected.add(r.status());
                      return collected.size() < jobs.size() ? Behaviors.same() : answer(node, collected, passive, replyTo);
                    })
                    .onMessageEquals(Timeout.INSTANCE, () -> answer(node, collected, passive, replyTo))
                    .build();
              });
        });
  }

  private static Behavior<Event> answer(
      String node, List<JobStatus> collected, List<String> passive, ActorRef<NodeGuardian.NodeStatus> replyTo) {
    collected.sort(Comparator.comparing(JobStatus::job));
    replyTo.tell(new NodeGuardian.NodeStatus(node, List.copyOf(collected), passive));
    return Behaviors.stopped();
  }
}
