package org.zfleet.node.daemon;

import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.config.JobConfig;
import org.zfleet.config.NodeConfig;
import org.zfleet.config.PullJob;
import org.zfleet.config.SinkJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.job.JobDriver;
import org.zfleet.node.WallClock;
import org.zfleet.node.dataplane.DataPlaneServer;
import org.zfleet.node.health.Monitoring;
import org.zfleet.node.remote.PeerTransfers;
import org.zfleet.node.restore.RemoteRestores;
import org.zfleet.replication.JobDrivers;
import org.zfleet.replication.LocalReceiverDirectory;
import org.zfleet.replication.NodePorts;
import org.zfleet.replication.ReceiverDirectory;
import org.zfleet.replication.SourceDirectory;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.ProcessRunner;
import org.zfleet.zfs.ZfsCli;

/**
 * The zfleet daemon of one node: ZFS, the actor system with one job actor per active job, and the
 * local control API. SIGTERM runs Pekko's coordinated shutdown: job actors stop, every running step
 * is cancelled (its {@code zfs} processes killed with their children), then ZFS is closed.
 */
public final class Daemon implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  /** A transfer another node asked of this one is stalled after this long without progress. */
  static final Duration PEER_STALL_TIMEOUT = Duration.ofMinutes(10);

  private final ActorSystem<NodeGuardian.Command> system;
  private final ZfsCli zfs;
  private final ExecutorService steps;
  private final ServerBinding control;

  private Daemon(
      ActorSystem<NodeGuardian.Command> system,
      ZfsCli zfs,
      ExecutorService steps,
      ServerBinding control) {
    this.system = system;
    this.zfs = zfs;
    this.steps = steps;
    this.control = control;
  }

  /**
   * Starts everything; returns once the control API listens. With seed nodes configured the node
   * joins the cluster (TLS files are checked first), offers its sink jobs cluster-wide and receives
   * their streams on its data plane; push jobs then find sinks on any node.
   */
  public static Daemon start(ZfleetConfig config, Config hocon) {
    NodeConfig node = config.node();
    LogFormat.apply(node.logging().format());
    // First: the control API and, bound beyond loopback, the status page's data need it.
    ControlToken token;
    try {
      token = ControlToken.createOrLoad(node.dataDir());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot make the control token: " + e.getMessage(), e);
    }
    Optional<ClusterMode> cluster = ClusterMode.of(node);
    ZfsCli zfs = NodeZfs.open(node, config.jobs());
    ExecutorService steps = Executors.newCachedThreadPool(named("zfleet-step"));
    // Snapshot hooks run outside the gate of zfs commands, with their own deadlines.
    ProcessRunner hooks = new ProcessRunner(1);
    Clock clock = WallClock.clock();
    List<SinkJob> sinks = ConfiguredJobs.of(config.jobs(), SinkJob.class);
    List<PullJob> pulls = ConfiguredJobs.of(config.jobs(), PullJob.class);

    cluster.ifPresent(c -> c.preparePulls(zfs, pulls));
    // The actor system and its materializer exist before the drivers, which need the latter.
    List<JobDriver> active = new ArrayList<>();
    List<String> passive = new ArrayList<>();
    Config pekko = PekkoDefaults.forDaemon(hocon, node.limits().transfers());
    ActorSystem<NodeGuardian.Command> system;
    try {
      system =
          ActorSystem.create(
              org.apache.pekko.actor.typed.javadsl.Behaviors.setup(
                  ctx -> {
                    Transfers transfers =
                        Transfers.streams(Materializer.matFromSystem(ctx.getSystem()));
                    ReceiverDirectory local = new LocalReceiverDirectory(zfs, sinks, transfers);
                    ReceiverDirectory directory =
                        cluster.isEmpty()
                            ? local
                            : cluster.get().start(ctx, zfs, config.jobs(), local, steps, clock);
                    SourceDirectory sourceDirectory =
                        cluster.map(ClusterMode::sources).orElse(SourceDirectory.NONE);
                    NodePorts ports = new NodePorts(zfs, directory, sourceDirectory, steps, hooks);
                    for (JobConfig job : config.jobs()) {
                      JobDrivers.of(job, node.name(), JobPorts.of(ports, job))
                          .ifPresentOrElse(active::add, () -> passive.add(job.name()));
                    }
                    return NodeGuardian.create(
                        new GuardianSetup(
                            node.name(),
                            active,
                            passive,
                            node.limits().transfers(),
                            Duration.ofSeconds(1),
                            steps,
                            clock,
                            PEER_STALL_TIMEOUT,
                            () -> cluster.map(ClusterMode::problems).orElse(List.of())));
                  }),
              "zfleet",
              cluster.map(c -> c.pekkoConfig(pekko)).orElse(pekko));
    } catch (RuntimeException e) {
      zfs.close();
      hooks.close();
      steps.shutdownNow();
      throw new IllegalStateException("cannot start the actor system: " + rootMessage(e), e);
    }

    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "close-zfs",
        () -> {
          zfs.close();
          hooks.close();
          steps.shutdownNow();
          return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
        });

    if (cluster.isPresent()) {
      startClusterServices(cluster.get(), system, zfs, config.jobs(), node, steps);
    }
    // Metrics, health, freshness and the status page on the management port, in every mode.
    try {
      Monitoring.start(system, config, zfs, steps, cluster.isPresent(), clock, token);
    } catch (Exception e) {
      terminate(system);
      throw new IllegalStateException(rootMessage(e), e);
    }

    int port = node.control().port();
    Optional<RemoteRestores> restores =
        cluster.flatMap(ClusterMode::backups).map(b -> RemoteRestores.of(config, zfs, system, b));
    ServerBinding binding;
    try {
      binding =
          new ControlServer(system, system, token, restores, steps)
              .bind("127.0.0.1", port)
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      terminate(system);
      throw new IllegalStateException(
          "cannot listen for control requests on 127.0.0.1:" + port + ": " + rootMessage(e), e);
    }
    binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
    log.info(
        "daemon started node={} control=127.0.0.1:{} {} jobs={} zfs={}",
        node.name(),
        port,
        cluster.map(ClusterMode::describe).orElse("local-only"),
        config.jobs().stream().map(JobConfig::name).toList(),
        zfs.capabilities().describe());
    return new Daemon(system, zfs, steps, binding);
  }

  /** The data plane; stopped with the system. */
  private static void startClusterServices(
      ClusterMode cluster,
      ActorSystem<NodeGuardian.Command> system,
      ZfsCli zfs,
      List<JobConfig> jobs,
      NodeConfig node,
      ExecutorService blocking) {
    DataPlaneServer dataPlane;
    try {
      ActorRef<PeerTransfers.Command> peerTransfers =
          AskPattern.<NodeGuardian.Command, ActorRef<PeerTransfers.Command>>ask(
                  system,
                  NodeGuardian.GetPeerTransfers::new,
                  Duration.ofSeconds(30),
                  system.scheduler())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      dataPlane =
          cluster.startDataPlane(
              system,
              zfs,
              jobs,
              Transfers.streams(Materializer.matFromSystem(system)),
              node.limits().transfers(),
              PeerTransfers.steps(peerTransfers),
              blocking);
    } catch (Exception e) {
      terminate(system);
      throw new IllegalStateException(rootMessage(e), e);
    }
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceUnbind(),
            "close-data-plane",
            () -> {
              dataPlane.close();
              return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
            });
  }

  private static void terminate(ActorSystem<?> system) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("actor system did not terminate in time: {}", rootMessage(e));
    }
  }

  public ActorSystem<NodeGuardian.Command> system() {
    return system;
  }

  public int controlPort() {
    return control.localAddress().getPort();
  }

  /**
   * Blocks until the actor system has terminated (SIGTERM or {@link #close()}).
   *
   * @throws IllegalStateException when the node stopped itself because a part it cannot run without
   *     stopped (the log says which), so the process exits with an error
   */
  public void awaitTermination() throws InterruptedException {
    try {
      system.getWhenTerminated().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    if (CoordinatedShutdown.get(system).getShutdownReason().orElse(null)
        == NodeGuardian.NODE_FAILED) {
      throw new IllegalStateException(
          "the node stopped itself: its watchdog or transfer gate stopped (see the log)");
    }
  }

  @Override
  public void close() {
    CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("actor system did not terminate in time: {}", rootMessage(e));
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
