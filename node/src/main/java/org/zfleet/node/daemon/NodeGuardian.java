package org.zfleet.node.daemon;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.zfleet.job.Gate;
import org.zfleet.job.Gather;
import org.zfleet.job.JobActor;
import org.zfleet.job.JobDriver;
import org.zfleet.job.JobStatus;
import org.zfleet.job.Watchdog;

/**
 * The daemon's top actor: the node-wide watchdog and transfer gate, and one {@link JobActor} per
 * active job. It routes operator signals and status queries to them.
 */
public final class NodeGuardian extends AbstractBehavior<NodeGuardian.Command> {

  public sealed interface Command {}

  public record Wakeup(String job, ActorRef<WakeupResult> replyTo) implements Command {}

  public record GetStatus(ActorRef<NodeStatus> replyTo) implements Command {}

  /** Whether a wakeup reached its job. */
  public record WakeupResult(String job, boolean accepted, String message) {}

  /** Every job's status, in configuration order; passive jobs (sink, source) are listed by name. */
  public record NodeStatus(String node, List<JobStatus> jobs, List<String> passiveJobs) {}

  /** What the guardian is built from. */
  public record Setup(
      String node,
      List<JobDriver> activeJobs,
      List<String> passiveJobs,
      int transfers,
      Duration watchdogInterval,
      Executor blocking,
      Clock clock) {}

  /** Why the node shut itself down: a part it cannot run without stopped. */
  public enum Failure implements org.apache.pekko.actor.CoordinatedShutdown.Reason {
    NODE_FAILED
  }

  public static final Failure NODE_FAILED = Failure.NODE_FAILED;

  private final Setup setup;
  private final Map<String, ActorRef<JobActor.Command>> jobs = new LinkedHashMap<>();

  public static Behavior<Command> create(Setup setup) {
    return create(setup, Watchdog.create(setup.watchdogInterval()));
  }

  /** With the given watchdog behaviour (tests). */
  static Behavior<Command> create(Setup setup, Behavior<Watchdog.Command> watchdogBehavior) {
    return Behaviors.setup(ctx -> new NodeGuardian(ctx, setup, watchdogBehavior));
  }

  private NodeGuardian(
      ActorContext<Command> ctx, Setup setup, Behavior<Watchdog.Command> watchdogBehavior) {
    super(ctx);
    this.setup = setup;
    ActorRef<Watchdog.Command> watchdog = ctx.spawn(watchdogBehavior, "watchdog");
    ActorRef<Gate.Command> transfers =
        ctx.spawn(Gate.create("transfers", setup.transfers()), "transfers");
    JobActor.NodeContext node =
        new JobActor.NodeContext(watchdog, Optional.of(transfers), setup.blocking(), setup.clock());
    for (JobDriver driver : setup.activeJobs()) {
      jobs.put(
          driver.job(), ctx.spawn(JobActor.create(driver, node), "job-" + actorName(driver.job())));
    }
    ctx.getLog()
        .info(
            "node started node={} jobs={} passive={}",
            setup.node(),
            jobs.keySet(),
            setup.passiveJobs());
  }

  /** Job names allow ':' and '.', which are fine in actor names; anything else is encoded. */
  static String actorName(String job) {
    return java.net.URLEncoder.encode(job, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Wakeup.class, this::onWakeup)
        .onMessage(GetStatus.class, this::onGetStatus)
        .build();
  }

  private Behavior<Command> onWakeup(Wakeup wakeup) {
    ActorRef<JobActor.Command> job = jobs.get(wakeup.job());
    if (job == null) {
      String known = String.join(", ", jobs.keySet());
      String message =
          setup.passiveJobs().contains(wakeup.job())
              ? "job " + wakeup.job() + " is passive (sink or source) and acts when its peers do"
              : "no job named "
                  + wakeup.job()
                  + " on this node"
                  + (known.isEmpty() ? "" : " (jobs: " + known + ")");
      wakeup.replyTo().tell(new WakeupResult(wakeup.job(), false, message));
      return this;
    }
    job.tell(new JobActor.Wakeup());
    getContext().getLog().info("wakeup job={}", wakeup.job());
    wakeup.replyTo().tell(new WakeupResult(wakeup.job(), true, "woke up job " + wakeup.job()));
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    List<ActorRef<JobActor.Command>> refs = new ArrayList<>(jobs.values());
    getContext()
        .spawnAnonymous(
            Gather.create(
                refs,
                JobActor.GetStatus::new,
                JobStatus.class,
                Duration.ofSeconds(2),
                replies ->
                    new NodeStatus(
                        setup.node(),
                        replies.stream()
                            .sorted(java.util.Comparator.comparing(JobStatus::job))
                            .toList(),
                        setup.passiveJobs()),
                get.replyTo()));
    return this;
  }
}
