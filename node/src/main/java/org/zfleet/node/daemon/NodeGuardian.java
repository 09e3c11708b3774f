package org.zfleet.node.daemon;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.zfleet.job.Durations;
import org.zfleet.job.Gate;
import org.zfleet.job.Gather;
import org.zfleet.job.JobActor;
import org.zfleet.job.JobPlan;
import org.zfleet.job.JobStatus;
import org.zfleet.job.NodeContext;
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

  /** Why the node shut itself down: a part it cannot run without stopped. */
  public enum Failure implements CoordinatedShutdown.Reason {
    NODE_FAILED
  }

  public static final Failure NODE_FAILED = Failure.NODE_FAILED;

  private final GuardianSetup setup;
  private final TimerScheduler<Command> timers;
  private final NodeContext node;
  private final NodeJobs jobs;
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

  public static Behavior<Command> create(GuardianSetup setup) {
    return create(setup, Watchdog.create(setup.watchdogInterval()));
  }

  /** With the given watchdog behaviour (tests). */
  static Behavior<Command> create(
      GuardianSetup setup, Behavior<Watchdog.Command> watchdogBehavior) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(timers -> new NodeGuardian(ctx, timers, setup, watchdogBehavior)));
  }

  private NodeGuardian(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      GuardianSetup setup,
      Behavior<Watchdog.Command> watchdogBehavior) {
    super(ctx);
    this.setup = setup;
    this.timers = timers;
    this.jobs = new NodeJobs(setup.activeJobs(), setup.passiveJobs());
    // A bug (an exception) restarts the watchdog or the gate with the same reference, which every
    // job holds; one that stops for good leaves steps unwatched or unlimited: the node stops.
    ActorRef<Watchdog.Command> watchdog = ctx.spawn(restarting(watchdogBehavior), "watchdog");
    ctx.watchWith(watchdog, new EssentialStopped("watchdog"));
    ActorRef<Gate.Command> transfers =
        ctx.spawn(restarting(Gate.create("transfers", setup.transfers())), "transfers");
    ctx.watchWith(transfers, new EssentialStopped("transfer gate"));
    this.node = new NodeContext(watchdog, Optional.of(transfers), setup.blocking(), setup.clock());
    // The data plane holds this reference for the daemon's life: restarted with it on a bug.
    peerTransfers =
        ctx.spawn(
            restarting(PeerTransfers.create(node, setup.peerStallTimeout())), "peer-transfers");
    ctx.watchWith(peerTransfers, new EssentialStopped("peer transfers"));
    jobs.names().forEach(this::startJob);
    ctx.getLog()
        .info(
            "node started node={} jobs={} passive={}",
            setup.node(),
            jobs.runningNames(),
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
    ActorRef<JobActor.Command> ref =
        getContext()
            .spawn(restarting(JobActor.create(jobs.driver(job), node)), jobs.actorNameOf(job));
    getContext().watchWith(ref, new JobStopped(job, ref));
    jobs.started(job, ref);
  }

  private Behavior<Command> onJobStopped(JobStopped stopped) {
    jobs.stopped(stopped.job(), stopped.ref())
        .ifPresent(
            s -> {
              getContext()
                  .getLog()
                  .error(
                      "job actor stopped job={} restarts={}; starting it anew in {}",
                      stopped.job(),
                      s.restarts(),
                      Durations.human(s.pause()));
              timers.startSingleTimer(
                  "start-" + stopped.job(), new StartJob(stopped.job()), s.pause());
            });
    return this;
  }

  private Behavior<Command> onStartJob(StartJob start) {
    if (!failed && !jobs.running(start.job())) {
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

  private Behavior<Command> onWakeup(Wakeup w) {
    return signal(w.job(), new JobActor.Wakeup(), "wakeup", "woke up job " + w.job(), w.replyTo());
  }

  private Behavior<Command> onReset(Reset r) {
    String done = "reset job " + r.job() + ": running steps stopped, backoffs cleared";
    return signal(r.job(), new JobActor.Reset(), "reset", done, r.replyTo());
  }

  /** Tells a signal to the job's actor and answers {@code done}, or why it could not. */
  private Behavior<Command> signal(
      String name, JobActor.Command signal, String what, String done, ActorRef<WakeupResult> to) {
    Optional<ActorRef<JobActor.Command>> job = jobs.actor(name);
    if (job.isEmpty()) {
      to.tell(new WakeupResult(name, false, jobs.noActor(name)));
      return this;
    }
    job.get().tell(signal);
    getContext().getLog().info("{} job={}", what, name);
    to.tell(new WakeupResult(name, true, done));
    return this;
  }

  private Behavior<Command> onGetPlan(GetPlan get) {
    Optional<ActorRef<JobActor.Command>> job = jobs.actor(get.job());
    if (job.isEmpty()) {
      get.replyTo().tell(new PlanResult(get.job(), Optional.empty(), jobs.noActor(get.job())));
      return this;
    }
    getContext()
        .ask(
            JobPlan.class,
            job.get(),
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
    List<ActorRef<JobActor.Command>> refs = jobs.actors();
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
