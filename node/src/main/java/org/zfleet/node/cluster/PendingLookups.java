package org.zfleet.node.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.zfleet.node.cluster.JobDirectory.FindResult;
import org.zfleet.node.cluster.JobDirectory.Found;
import org.zfleet.node.cluster.JobDirectory.JobRole;
import org.zfleet.node.cluster.JobDirectory.NotReachable;

/**
 * The lookups a {@link JobDirectory} has not answered yet: finds of a job it has no listing of
 * (answered by the first listing, whatever it says), and waiters for a job (answered once it is
 * reachable, and shown in the directory's status until then). Kept by the directory's actor only.
 */
final class PendingLookups {

  private record Waiter(JobRole role, ActorRef<Found> replyTo) {}

  private final Map<String, List<ActorRef<FindResult>>> finds = new HashMap<>();
  private final Map<String, List<Waiter>> waiters = new TreeMap<>();

  void addFind(String job, ActorRef<FindResult> replyTo) {
    finds.computeIfAbsent(job, j -> new ArrayList<>()).add(replyTo);
  }

  void addWaiter(String job, JobRole role, ActorRef<Found> replyTo) {
    waiters.computeIfAbsent(job, j -> new ArrayList<>()).add(new Waiter(role, replyTo));
  }

  void removeWaiter(ActorRef<Found> stopped) {
    waiters.values().forEach(list -> list.removeIf(waiter -> waiter.replyTo().equals(stopped)));
    waiters.values().removeIf(List::isEmpty);
  }

  /** Answers the finds of {@code job} with its first listing's result. */
  void answerFinds(String job, Function<String, FindResult> result) {
    List<ActorRef<FindResult>> pending = finds.remove(job);
    if (pending != null) {
      FindResult answer = result.apply(job);
      pending.forEach(replyTo -> replyTo.tell(answer));
    }
  }

  /** Answers the waiters of {@code job} if it is reachable now. */
  void answerWaiters(String job, Function<String, FindResult> result) {
    List<Waiter> list = waiters.get(job);
    if (list != null && result.apply(job) instanceof Found found) {
      waiters.remove(job);
      list.forEach(waiter -> waiter.replyTo().tell(found));
    }
  }

  /** One status line per job and role waited for: {@code waiting for sink X: not reachable ...}. */
  List<String> waiting(Function<String, FindResult> result) {
    List<String> waiting = new ArrayList<>();
    waiters.forEach(
        (job, list) -> {
          if (result.apply(job) instanceof NotReachable notReachable) {
            Set<JobRole> roles = new TreeSet<>();
            list.forEach(waiter -> roles.add(waiter.role()));
            roles.forEach(
                role ->
                    waiting.add(
                        "waiting for " + role.word() + " " + job + ": " + notReachable.message()));
          }
        });
    return waiting;
  }
}
