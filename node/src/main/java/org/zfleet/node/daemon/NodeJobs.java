package org.zfleet.node.daemon;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.zfleet.job.Backoff;
import org.zfleet.job.JobActor;
import org.zfleet.job.JobDriver;

/**
 * The {@link NodeGuardian}'s book of its active jobs: each job's driver, its running actor (absent
 * while it is started anew), how often it stopped and so how long it pauses before it is started
 * again; and what an operator is told when a job has no actor to take a signal. No actor of its
 * own: confined to the guardian.
 */
final class NodeJobs {

  /** The pause before a stopped job actor is started anew, growing while it keeps stopping. */
  static final Backoff RESTART_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));

  private final Map<String, JobDriver> drivers = new LinkedHashMap<>();
  private final Map<String, ActorRef<JobActor.Command>> actors = new LinkedHashMap<>();
  private final Map<String, Integer> restarts = new HashMap<>();
  private final List<String> passiveJobs;

  NodeJobs(List<JobDriver> activeJobs, List<String> passiveJobs) {
    activeJobs.forEach(d -> drivers.put(d.job(), d));
    this.passiveJobs = List.copyOf(passiveJobs);
  }

  List<String> names() {
    return List.copyOf(drivers.keySet());
  }

  JobDriver driver(String job) {
    return drivers.get(job);
  }

  /** The job's actor name: the job's, encoded, with the generation after its first restart. */
  String actorNameOf(String job) {
    int generation = restarts.getOrDefault(job, 0);
    return "job-" + actorName(job) + (generation == 0 ? "" : "-" + generation);
  }

  /** Job names allow ':' and '.', which are fine in actor names; anything else is encoded. */
  static String actorName(String job) {
    return URLEncoder.encode(job, StandardCharsets.UTF_8);
  }

  void started(String job, ActorRef<JobActor.Command> actor) {
    actors.put(job, actor);
  }

  /** The job's running actor; empty for an unknown job or one being started anew. */
  Optional<ActorRef<JobActor.Command>> actor(String job) {
    return Optional.ofNullable(actors.get(job));
  }

  boolean running(String job) {
    return actors.containsKey(job);
  }

  List<ActorRef<JobActor.Command>> actors() {
    return List.copyOf(actors.values());
  }

  List<String> runningNames() {
    return List.copyOf(actors.keySet());
  }

  /** A job's stopped actor, and the restarts it has had since the node started (with this one). */
  record Stopped(int restarts, Duration pause) {}

  /**
   * A job's actor stopped: forgotten, and how long to pause before it is started anew; empty when
   * it is not the job's current actor (an old one, already replaced).
   */
  Optional<Stopped> stopped(String job, ActorRef<JobActor.Command> actor) {
    if (actors.get(job) != actor) {
      return Optional.empty();
    }
    actors.remove(job);
    int n = restarts.merge(job, 1, Integer::sum);
    return Optional.of(new Stopped(n, RESTART_BACKOFF.after(n)));
  }

  /** Why a job has no actor to take a signal. */
  String noActor(String name) {
    if (drivers.containsKey(name)) {
      return "job " + name + " is being started anew after it stopped; try again";
    }
    if (passiveJobs.contains(name)) {
      return "job " + name + " is passive (sink or source) and acts when its peers do";
    }
    String known = String.join(", ", drivers.keySet());
    return "no job named "
        + name
        + " on this node"
        + (known.isEmpty() ? "" : " (jobs: " + known + ")");
  }
}
