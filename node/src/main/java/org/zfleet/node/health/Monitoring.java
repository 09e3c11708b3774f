package org.zfleet.node.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.management.cluster.javadsl.ClusterHttpManagementRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.config.NodeConfig;
import org.zfleet.config.PullJob;
import org.zfleet.config.PushJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.node.daemon.ControlToken;
import org.zfleet.node.daemon.NodeGuardian;
import org.zfleet.node.metrics.NodeMetrics;
import org.zfleet.node.web.PageAccess;
import org.zfleet.node.web.StatusPage;
import org.zfleet.zfs.ZfsCli;

/**
 * Starts a daemon's monitoring: metrics, the freshness board (seeded from the data-dir), the
 * monitor actor, and the management server at {@code zfleet.node.management.bind}, in local and
 * cluster mode alike. Stopped with the actor system: not ready from the first shutdown phase,
 * unbound with the other services, the freshness state written last.
 */
public final class Monitoring {

  private static final Logger log = LoggerFactory.getLogger(Monitoring.class);

  private Monitoring() {}

  /**
   * Starts everything; fails if the management port cannot be bound. Bound beyond loopback, the
   * status page's data needs {@code token}.
   */
  public static NodeMonitor start(
      ActorSystem<NodeGuardian.Command> system,
      ZfleetConfig config,
      ZfsCli zfs,
      Executor blocking,
      boolean cluster,
      Clock clock,
      ControlToken token)
      throws Exception {
    NodeConfig node = config.node();
    Map<String, org.zfleet.config.Replication.Freshness> thresholds = new LinkedHashMap<>();
    Map<String, List<String>> destinations = new LinkedHashMap<>();
    for (var job : config.jobs()) {
      if (job instanceof PushJob push) {
        thresholds.put(push.name(), push.replication().freshness());
        destinations.put(push.name(), push.sinks());
      } else if (job instanceof PullJob pull) {
        thresholds.put(pull.name(), pull.replication().freshness());
        destinations.put(pull.name(), List.of(pull.source()));
      }
    }
    NodeMetrics metrics = new NodeMetrics(node.name(), node.metrics().filesystemSeriesLimit());
    zfs.commandListener(metrics);
    FreshnessStateFile stateFile = new FreshnessStateFile(node.dataDir());
    FreshnessBoard board = new FreshnessBoard();
    board.seed(
        stateFile.readOrEmpty().stream()
            .filter(r -> destinations.getOrDefault(r.job(), List.of()).contains(r.destination()))
            .toList());
    List<CertificateExpiry.Certificate> certificates = CertificateExpiry.read(node.tls());
    warnAboutCertificates(certificates, clock.instant());
    NodeMonitor monitor =
        new NodeMonitor(node.name(), thresholds, destinations, board, metrics, certificates, clock);
    if (cluster) {
      Cluster members = Cluster.get(Adapter.toClassic(system));
      monitor.clusterUp(() -> members.selfMember().status() == MemberStatus.up());
    }
    MonitorExtension.get(system).attach(monitor);
    Set<String> pushJobs =
        config.jobs().stream()
            .filter(j -> j instanceof PushJob)
            .map(j -> j.name())
            .collect(Collectors.toSet());
    system.systemActorOf(
        MonitorActor.create(
            new MonitorActor.Setup(
                monitor,
                system,
                blocking,
                () -> {
                  zfs.pools();
                  return true;
                },
                new SizeEstimates(pushJobs, zfs::sizeProperty),
                Optional.of(stateFile),
                Duration.ofSeconds(1))),
        "zfleet-monitor",
        Props.empty());

    var bind = node.management().bind();
    StatusPage page = new StatusPage(monitor, PageAccess.loopbackOrToken(bind.host(), token));
    ManagementServer server =
        new ManagementServer(
            system,
            monitor,
            page,
            cluster
                ? Optional.of(
                    ClusterHttpManagementRoutes.readOnly(Cluster.get(Adapter.toClassic(system))))
                : Optional.empty());
    ServerBinding binding;
    try {
      binding = server.bind(bind).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot listen for management requests (zfleet.node.management.bind) on "
              + bind
              + ": "
              + e.getMessage(),
          e);
    }
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "monitoring-not-ready",
        () -> {
          monitor.stopping();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
    log.info(
        "management listening at http://{}:{}/ (metrics, health, status page)",
        bind.host(),
        binding.localAddress().getPort());
    return monitor;
  }

  /** One warning per certificate that ends within 30 days (an error if it already has). */
  static void warnAboutCertificates(List<CertificateExpiry.Certificate> certs, Instant now) {
    for (CertificateExpiry.Certificate c : certs) {
      switch (c.level(now)) {
        case CRITICAL ->
            log.error(
                "certificate expired certificate={} file={} notAfter={}",
                c.name(),
                c.path(),
                c.notAfter());
        case WARNING ->
            log.warn(
                "certificate expires soon certificate={} file={} notAfter={} daysLeft={}",
                c.name(),
                c.path(),
                c.notAfter(),
                c.daysLeft(now));
        default -> {}
      }
    }
  }
}
