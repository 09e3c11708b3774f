package org.zfleet.node.daemon;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
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
import org.zfleet.node.remote.PeerTransfers;

/**
 * The daemon's top actor: the node-wide watchdog and transfer gate, one {@link JobActor} per active
 * job, and the {@link PeerTransfers} other nodes ask of this one (under the same watchdog and
 * gate). It routes operator signals and status queries to them.
 */
public final class NodeGuardian extends AbstractBehavior<NodeGuardian.Command> {

  public sealed interface Command {}

  public record Wakeup(String job, ActorRef<WakeupResult> replyTo) implements Command {}

  public record GetStatus(ActorRef<NodeStatus> replyTo) implements Command {}

  /** The node's peer transfers, for the data plane that hands them over. */
  public record GetPeerTransfers(ActorRef<ActorRef<PeerTransfers.Command>> replyTo)
      implements Command {}

  private record TransfersListed(
      ActorRef<NodeStatus> replyTo, List<PeerTransfers.PeerTransfer> transfers)
      implements Command {}

  /** Whether a wakeup reached its job. */
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

  /** What the guardian is built from. */
  public record Setup(
      String node,
      List<JobDriver> activeJobs,
      List<String> passiveJobs,
      int transfers,
      Duration watchdogInterval,
      Executor blocking,
      Clock clock,
      Duration peerStallTimeout,
      Supplier<List<String>> problems) {}

  private final Setup setup;
  private final Map<String, ActorRef<JobActor.Command>> jobs = new LinkedHashMap<>();
  private final ActorRef<PeerTransfers.Command> peerTransfers;

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(ctx -> new NodeGuardian(ctx, setup));
  }

  private NodeGuardian(ActorContext<Command> ctx, Setup setup) {
    super(ctx);
    this.setup = setup;
    ActorRef<Watchdog.Command> watchdog =
        ctx.spawn(Watchdog.create(setup.watchdogInterval()), "watchdog");
    ActorRef<Gate.Command> transfers =
        ctx.spawn(Gate.create("transfers", setup.transfers()), "transfers");
    JobActor.NodeContext node =
        new JobActor.NodeContext(watchdog, Optional.of(transfers), setup.blocking(), setup.clock());
    peerTransfers =
        ctx.spawn(PeerTransfers.create(node, setup.peerStallTimeout()), "peer-transfers");
    ctx.watch(peerTransfers);
    for (JobDriver driver : setup.activeJobs()) {
      ActorRef<JobActor.Command> job =
          ctx.spawn(JobActor.create(driver, node), "job-" + actorName(driver.job()));
      ctx.watch(job);
      jobs.put(driver.job(), job);
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
        .onMessage(TransfersListed.class, this::onTransfersListed)
        .onMessage(
            GetPeerTransfers.class,
            g -> {
              g.replyTo().tell(peerTransfers);
              return this;
            })
        .onSignal(Terminated.class, this::onTerminated)
        .build();
  }

  /** A child that stopped is reported; the node goes on without it until it is restarted. */
  private Behavior<Command> onTerminated(Terminated terminated) {
    getContext()
        .getLog()
        .error(
            "actor stopped unexpectedly actor={}; restart the daemon to run it again",
            terminated.getRef().path().name());
    jobs.values().removeIf(ref -> ref.equals(terminated.getRef()));
    return this;
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
