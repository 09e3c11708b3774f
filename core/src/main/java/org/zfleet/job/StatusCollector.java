package org.zfleet.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Asks every supervisor of a job for its status and answers with the job's status once all have
 * replied, or after a second with those that did (a busy node still answers its status query).
 */
final class StatusCollector {

  private static final Duration PATIENCE = Duration.ofSeconds(1);

  private sealed interface Event {}

  private record Reply(FilesystemStatus status) implements Event {}

  private enum Timeout implements Event {
    INSTANCE
  }

  private StatusCollector() {}

  static Behavior<Event> create(JobStatus base, List<ActorRef<FilesystemSupervisor.Command>> supervisors, ActorRef<JobStatus> replyTo) {
    return Behaviors.setup(
        ctx -> {
          List<FilesystemStatus> collected = new ArrayList<>();
          if (supervisors.isEmpty()) {
            replyTo.tell(base);
            return Behaviors.stopped();
          }
          ActorRef<FilesystemStatus> adapter = ctx.messageAdapter(FilesystemStatus.class, Reply::new);
          supervisors.forEach(s -> s.tell(new FilesystemSupervisor.GetStatus(adapter)));
          return Behaviors.withTimers(
              timers -> {
                timers.startSingleTimer(Timeout.INSTANCE, PATIENCE);
                return Behaviors.receive(Event.class)
                    .onMessage(Reply.class, r -> {
                      collected.add(r.status());
                      if (collected.size() < supervisors.size()) {
                        return Behaviors.same();
                      }
                      return answer(base, collected, replyTo);
                    })
                    .onMessageEquals(Timeout.INSTANCE, () -> answer(base, collected, replyTo))
                    .build();
              });
        });
  }

  private static Behavior<Event> answer(JobStatus base, List<FilesystemStatus> collected, ActorRef<JobStatus> replyTo) {
    collected.sort(Comparator.comparing(FilesystemStatus::filesystem));
    replyTo.tell(new JobStatus(base.job(), base.phase(), base.cycle(), base.lastListing(), base.nextSnapshot(), base.lastError(), collected));
    return Behaviors.stopped();
  }
}
