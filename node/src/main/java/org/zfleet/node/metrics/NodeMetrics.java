package org.zfleet.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.job.JobEvent;
import org.zfleet.job.StepFact;
import org.zfleet.zfs.CommandListener;

/**
 * The node's Prometheus metrics (Micrometer with its Prometheus registry): what steps did, from the
 * {@link JobEvent}s; zfs command latency, from the ZFS adapter's listener; transfers and replica
 * freshness, from {@link ReplicationGauges}; and the JVM's basics. Every name and label is listed
 * in docs/operations.md; labels are bounded by the configuration (jobs, destinations, step kinds),
 * never by the number of filesystems, except the per-filesystem series {@link ReplicationGauges}
 * caps.
 */
public final class NodeMetrics implements CommandListener {

  private static final Logger log = LoggerFactory.getLogger(NodeMetrics.class);

  /** Subcommands with series of their own; anything else is counted as "other". */
  private static final Set<String> SUBCOMMANDS =
      Set.of(
          "list",
          "get",
          "set",
          "inherit",
          "snapshot",
          "destroy",
          "hold",
          "release",
          "holds",
          "create",
          "rename",
          "rollback",
          "bookmark",
          "mount",
          "umount",
          "send",
          "receive",
          "recv");

  private final PrometheusMeterRegistry registry;
  private final ReplicationGauges replication;
  private final AtomicInteger zfsUp = new AtomicInteger(1);

  public NodeMetrics(String node, int filesystemSeriesLimit) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("node", node);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Gauge.builder("zfleet.zfs.up", zfsUp, AtomicInteger::get)
        .description("1 while ZFS answers the node's health probe (zpool list), 0 when it does not")
        .register(registry);
    replication = new ReplicationGauges(registry, filesystemSeriesLimit);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public ReplicationGauges replication() {
    return replication;
  }

  /** Counts a finished step: by kind and outcome, its duration, stalls and snapshot facts. */
  public void onEvent(JobEvent event) {
    if (!(event instanceof JobEvent.StepEnded ended)) {
      return;
    }
    String job = ended.id().job();
    String kind = ended.id().kind().label();
    String outcome = ended.outcome().name().toLowerCase(Locale.ROOT);
    Counter.builder("zfleet.steps")
        .description("Step attempts that ended, by job, kind and outcome")
        .tags("job", job, "kind", kind, "outcome", outcome)
        .register(registry)
        .increment();
    Timer.builder("zfleet.step.duration")
        .description("How long step attempts ran, by kind and outcome")
        .tags("kind", kind, "outcome", outcome)
        .serviceLevelObjectives(
            Duration.ofSeconds(1),
            Duration.ofSeconds(10),
            Duration.ofMinutes(1),
            Duration.ofMinutes(10),
            Duration.ofHours(1),
            Duration.ofHours(6))
        .register(registry)
        .record(ended.took());
    if (ended.outcome() == JobEvent.Outcome.STALLED) {
      stalls(job).increment();
    }
    for (StepFact fact : ended.result().facts()) {
      if (fact instanceof StepFact.SnapshotsTaken taken) {
        snapshotsTaken(job).increment(taken.count());
      } else if (fact instanceof StepFact.SnapshotsDestroyed destroyed) {
        snapshotsDestroyed(job, destroyed.side()).increment(destroyed.count());
      }
    }
  }

  /** Registers the per-job series at zero, so a dashboard shows them before the first event. */
  public void registerJob(String job) {
    stalls(job);
    snapshotsTaken(job);
  }

  private Counter stalls(String job) {
    return Counter.builder("zfleet.watchdog.stalls")
        .description("Steps the watchdog stopped for making no progress within their stall timeout")
        .tag("job", job)
        .register(registry);
  }

  private Counter snapshotsTaken(String job) {
    return Counter.builder("zfleet.snapshots.taken")
        .description("Snapshots taken (one per filesystem)")
        .tag("job", job)
        .register(registry);
  }

  private Counter snapshotsDestroyed(String job, String side) {
    return Counter.builder("zfleet.snapshots.destroyed")
        .description("Snapshots destroyed by pruning, by side (sender, receiver)")
        .tags("job", job, "side", side)
        .register(registry);
  }

  @Override
  public void commandEnded(List<String> command, Duration took, boolean succeeded) {
    try {
      String program =
          command.isEmpty() ? "?" : java.nio.file.Path.of(command.get(0)).getFileName().toString();
      String sub = command.size() < 2 ? "usage" : command.get(1);
      Timer.builder("zfleet.zfs.command")
          .description("Latency of short zfs and zpool commands, by subcommand and outcome")
          .tags(
              "program",
              program.startsWith("zpool") ? "zpool" : "zfs",
              "subcommand",
              SUBCOMMANDS.contains(sub) || sub.equals("usage") ? sub : "other",
              "outcome",
              succeeded ? "ok" : "failed")
          .register(registry)
          .record(took);
    } catch (RuntimeException e) {
      log.debug("zfs command metric not recorded: {}", e.toString());
    }
  }

  /** Whether ZFS answered the last health probe. */
  public void zfsAnswering(boolean answering) {
    zfsUp.set(answering ? 1 : 0);
  }

  /**
   * The exposition text. Never throws: a scrape while the node stops or ZFS is gone still gets the
   * series as they stand (gauges read in-memory values only, never ZFS).
   */
  public String scrape() {
    try {
      return registry.scrape();
    } catch (RuntimeException e) {
      log.warn("metrics scrape failed: {}", e.toString());
      return "";
    }
  }
}
