package org.zfleet.node.daemon;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.zfleet.job.Backoff;
import org.zfleet.job.Durations;
import org.zfleet.job.Gate;
import org.zfleet.job.Gather;
import org.zfleet.job.JobActor;
import org.zfleet.job.JobDriver;
import org.zfleet.job.JobPlan;
import org.zfleet.job.JobStatus;
import org.zfleet.job.Watchdog;
import org.zfleet.node.remote.PeerTransfers;

/**
 * The daemon's top actor: the node-wide watchdog and transfer gate, one {@link JobActor} per active
 * job, each supervised (restarted on an exception) and watched, and the {@link PeerTransfers} other
 * nodes ask of this one (under the same watchdog and gate). A job actor that stops is logged and
 * started anew; without its watchdog, gate or peer transfers the node stops loudly. It routes
 * operator signals and status queries to the jobs.
 */
public final class NodeGuardian extends AbstractBehavior<NodeGuardian.Command> {

  public sealed interface Command {}

  public record Wakeup(String job, ActorRef<WakeupResult> replyTo) implements Command {}

  public record GetStatus(ActorRef<NodeStatus> replyTo) implements Command {}

  /** {@code zfleet signal reset JOB}: stops the job's running steps and clears their backoff. */
  public record Reset(String job, ActorRef<WakeupResult> replyTo) implements Command {}

  /** The job's last plan ({@code zfleet test plan} of a job with peers on other nodes). */
  public record GetPlan(String job, ActorRef<PlanResult> replyTo) implements Command {}

  /** A job's last plan, or why there is none. */
  public record PlanResult(String job, Optional<JobPlan> plan, String message) {}

  /** The node's peer transfers, for the data plane that hands them over. */
  public record GetPeerTransfers(ActorRef<ActorRef<PeerTransfers.Command>> replyTo)
      implements Command {}

  private record TransfersListed(
      ActorRef<NodeStatus> replyTo, List<PeerTransfers.PeerTransfer> transfers)
      implements Command {}

  /** Whether a signal (wakeup, reset) reached its job. */
  public record WakeupResult(String job, boolean accepted, String message) {}

  /**
   * Every job's status, in configuration order; passive jobs (sink, source) are listed by name; the
   * transfers other nodes asked of this one, with their peer; what is wrong with the cluster's
   * bindings (two nodes offering one job, ...).
   */
  public record NodeStatus(
      String node,
      List<JobStatus> jobs,
      List<String> passiveJobs,
      List<PeerTransfers.PeerTransfer> peerTransfers,
      List<String> problems) {}

  /**
   * What the guardian is built from.
   *
   * @param peerStallTimeout a transfer another node asked of this one is stalled after this long
   *     without progress
   * @param problems what is wrong with the cluster's bindings, asked at each status
   */
  public record Setup(
      String node,
      List<JobDriver> activeJobs,
      List<String> passiveJobs,
      int transfers,
      Duration watchdogInterval,
      Executor blocking,
      Clock clock,
      Duration peerStallTimeout,
      Supplier<List<String>> problems) {

    /** A node without peers' problems to report (outside a cluster); peer steps stall at 10 min. */
    public Setup(
        String node,
        List<JobDriver> activeJobs,
        List<String> passiveJobs,
        int transfers,
        Duration watchdogInterval,
        Executor blocking,
        Clock clock) {
      this(
          node,
          activeJobs,
          passiveJobs,
          transfers,
          watchdogInterval,
          blocking,
          clock,
          Duration.ofMinutes(10),
          List::of);
    }
  }

  /** Why the node shut itself down: a part it cannot run without stopped. */
  public enum Failure implements CoordinatedShutdown.Reason {
    NODE_FAILED
  }

  public static final Failure NODE_FAILED = Failure.NODE_FAILED;

  /** The pause before a stopped job actor is started anew, growing while it keeps stopping. */
  private static final Backoff RESTART_BACKOFF =
      new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));

  private final Setup setup;
  private final TimerScheduler<Command> timers;
  private final JobActor.NodeContext node;
  private final Map<String, JobDriver> drivers = new LinkedHashMap<>();
  private final Map<String, ActorRef<JobActor.Command>> jobs = new LinkedHashMap<>();
  private final Map<String, Integer> restarts = new HashMap<>();
  private final ActorRef<PeerTransfers.Command> peerTransfers;
  private boolean failed;

  /** A job's actor stopped (watched). */
  private record JobStopped(String job, ActorRef<JobActor.Command> ref) implements Command {}

  /** Time to start a job's actor anew. */
  private record StartJob(String job) implements Command {}

  /**
   * The watchdog, the transfer gate or the peer transfers stopped (watched): the node cannot go on
   * without it.
   */
  private record EssentialStopped(String what) implements Command {}

  public static Behavior<Command> create(Setup setup) {
    return create(setup, Watchdog.create(setup.watchdogInterval()));
  }

  /** With the given watchdog behaviour (tests). */
  static Behavior<Command> create(Setup setup, Behavior<Watchdog.Command> watchdogBehavior) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(timers -> new NodeGuardian(ctx, timers, setup, watchdogBehavior)));
  }

  private NodeGuardian(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      Setup setup,
      Behavior<Watchdog.Command> watchdogBehavior) {
    super(ctx);
    this.setup = setup;
    this.timers = timers;
    // A bug (an exception) restarts the watchdog or the gate with the same reference, which every
    // job holds; one that stops for good leaves steps unwatched or unlimited: the node stops.
    ActorRef<Watchdog.Command> watchdog = ctx.spawn(restarting(watchdogBehavior), "watchdog");
    ctx.watchWith(watchdog, new EssentialStopped("watchdog"));
    ActorRef<Gate.Command> transfers =
        ctx.spawn(restarting(Gate.create("transfers", setup.transfers())), "transfers");
    ctx.watchWith(transfers, new EssentialStopped("transfer gate"));
    this.node =
        new JobActor.NodeContext(watchdog, Optional.of(transfers), setup.blocking(), setup.clock());
    // The data plane holds this reference for the daemon's life: restarted with it on a bug.
    peerTransfers =
        ctx.spawn(
            restarting(PeerTransfers.create(node, setup.peerStallTimeout())), "peer-transfers");
    ctx.watchWith(peerTransfers, new EssentialStopped("peer transfers"));
    for (JobDriver driver : setup.activeJobs()) {
      drivers.put(driver.job(), driver);
      startJob(driver.job());
    }
    ctx.getLog()
        .info(
            "node started node={} jobs={} passive={}",
            setup.node(),
            jobs.keySet(),
            setup.passiveJobs());
  }

  private static <T> Behavior<T> restarting(Behavior<T> behavior) {
    return Behaviors.supervise(behavior)
        .onFailure(RuntimeException.class, SupervisorStrategy.restart());
  }

  /**
   * Spawns a job's actor, restarted on an exception (it lists afresh) and watched: one that stops
   * is started anew after a pause that grows while it keeps stopping.
   */
  private void startJob(String job) {
    int generation = restarts.getOrDefault(job, 0);
    ActorRef<JobActor.Command> ref =
        getContext()
            .spawn(
                restarting(JobActor.create(drivers.get(job), node)),
                "job-" + actorName(job) + (generation == 0 ? "" : "-" + generation));
    getContext().watchWith(ref, new JobStopped(job, ref));
    jobs.put(job, ref);
  }

  private Behavior<Command> onJobStopped(JobStopped stopped) {
    if (jobs.get(stopped.job()) != stopped.ref()) {
      return this;
    }
    jobs.remove(stopped.job());
    int n = restarts.merge(stopped.job(), 1, Integer::sum);
    Duration pause = RESTART_BACKOFF.after(n);
    getContext()
        .getLog()
        .error(
            "job actor stopped job={} restarts={}; starting it anew in {}",
            stopped.job(),
            n,
            Durations.human(pause));
    timers.startSingleTimer("start-" + stopped.job(), new StartJob(stopped.job()), pause);
    return this;
  }

  private Behavior<Command> onStartJob(StartJob start) {
    if (!failed && !jobs.containsKey(start.job())) {
      startJob(start.job());
      getContext().getLog().info("job actor started anew job={}", start.job());
    }
    return this;
  }

  private Behavior<Command> onEssentialStopped(EssentialStopped stopped) {
    if (!failed) {
      failed = true;
      getContext()
          .getLog()
          .error(
              "the node's {} stopped: without it no step can be run safely; the node stops",
              stopped.what());
      CoordinatedShutdown.get(getContext().getSystem()).runAll(NODE_FAILED);
    }
    return this;
  }

  /** Job names allow ':' and '.', which are fine in actor names; anything else is encoded. */
  static String actorName(String job) {
    return java.net.URLEncoder.encode(job, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Wakeup.class, this::onWakeup)
        .onMessage(Reset.class, this::onReset)
        .onMessage(GetPlan.class, this::onGetPlan)
        .onMessage(PlanAnswered.class, a -> reply(a.replyTo(), a.result()))
        .onMessage(JobStopped.class, this::onJobStopped)
        .onMessage(StartJob.class, this::onStartJob)
        .onMessage(EssentialStopped.class, this::onEssentialStopped)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(TransfersListed.class, this::onTransfersListed)
        .onMessage(GetPeerTransfers.class, g -> reply(g.replyTo(), peerTransfers))
        .build();
  }

  private Behavior<Command> onWakeup(Wakeup wakeup) {
    ActorRef<JobActor.Command> job = jobs.get(wakeup.job());
    if (job == null) {
      wakeup.replyTo().tell(new WakeupResult(wakeup.job(), false, noActor(wakeup.job())));
      return this;
    }
    job.tell(new JobActor.Wakeup());
    getContext().getLog().info("wakeup job={}", wakeup.job());
    wakeup.replyTo().tell(new WakeupResult(wakeup.job(), true, "woke up job " + wakeup.job()));
    return this;
  }

  private Behavior<Command> onReset(Reset reset) {
    ActorRef<JobActor.Command> job = jobs.get(reset.job());
    if (job == null) {
      reset.replyTo().tell(new WakeupResult(reset.job(), false, noActor(reset.job())));
      return this;
    }
    job.tell(new JobActor.Reset());
    getContext().getLog().info("reset job={}", reset.job());
    reset
        .replyTo()
        .tell(
            new WakeupResult(
                reset.job(),
                true,
                "reset job " + reset.job() + ": running steps stopped, backoffs cleared"));
    return this;
  }

  private Behavior<Command> onGetPlan(GetPlan get) {
    ActorRef<JobActor.Command> job = jobs.get(get.job());
    if (job == null) {
      get.replyTo().tell(new PlanResult(get.job(), Optional.empty(), noActor(get.job())));
      return this;
    }
    getContext()
        .ask(
            JobPlan.class,
            job,
            Duration.ofSeconds(5),
            JobActor.GetPlan::new,
            (plan, failure) ->
                new PlanAnswered(
                    get.replyTo(),
                    new PlanResult(
                        get.job(),
                        Optional.ofNullable(plan),
                        plan != null ? "" : "job " + get.job() + " did not answer in time")));
    return this;
  }

  private record PlanAnswered(ActorRef<PlanResult> replyTo, PlanResult result) implements Command {}

  /** Why a job has no actor to take a signal. */
  private String noActor(String name) {
    if (drivers.containsKey(name)) {
      return "job " + name + " is being started anew after it stopped; try again";
    }
    if (setup.passiveJobs().contains(name)) {
      return "job " + name + " is passive (sink or source) and acts when its peers do";
    }
    String known = String.join(", ", drivers.keySet());
    return "no job named "
        + name
        + " on this node"
        + (known.isEmpty() ? "" : " (jobs: " + known + ")");
  }

  private <T> Behavior<Command> reply(ActorRef<T> to, T message) {
    to.tell(message);
    return this;
  }

  @SuppressWarnings("unchecked")
  private Behavior<Command> onGetStatus(GetStatus get) {
    getContext()
        .ask(
            (Class<List<PeerTransfers.PeerTransfer>>) (Class<?>) List.class,
            peerTransfers,
            Duration.ofSeconds(2),
            PeerTransfers.GetTransfers::new,
            (transfers, failure) ->
                new TransfersListed(get.replyTo(), transfers == null ? List.of() : transfers));
    return this;
  }

  private Behavior<Command> onTransfersListed(TransfersListed listed) {
    List<ActorRef<JobActor.Command>> refs = new ArrayList<>(jobs.values());
    List<String> problems = setup.problems().get();
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
                        setup.passiveJobs(),
                        listed.transfers(),
                        problems),
                listed.replyTo()));
    return this;
  }
}
