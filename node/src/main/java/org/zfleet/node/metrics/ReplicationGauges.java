package org.zfleet.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Replication's series: bytes and rate per job and destination, transfers in flight, the age of
 * each destination's newest snapshot and the replication lag, and certificate expiry.
 *
 * <p>Cardinality: per filesystem and destination, {@code zfleet_replica_age_seconds} and {@code
 * zfleet_replication_lag_seconds} exist for at most {@code filesystemSeriesLimit} pairs (the first
 * in job, destination and filesystem order); {@code zfleet_replica_series_dropped} counts the rest.
 * Per job and destination, whatever the number of filesystems, {@code
 * zfleet_replica_age_max_seconds} and {@code zfleet_replicas{freshness=...}} aggregate them all, so
 * alerts never depend on the limit.
 */
public final class ReplicationGauges {

  /** One filesystem's replica at one destination, as the gauges show it. */
  public record Replica(
      String job,
      String filesystem,
      String destination,
      double ageSeconds,
      double lagSeconds,
      String freshness) {}

  /** One running transfer. */
  public record Transfer(String job, String destination, double bytesPerSecond) {}

  /** A certificate the node uses. */
  public record Certificate(String name, Instant notAfter) {}

  private final MeterRegistry registry;
  private final int limit;
  private final MultiGauge age;
  private final MultiGauge lag;
  private final MultiGauge ageMax;
  private final MultiGauge counts;
  private final MultiGauge rate;
  private final MultiGauge certificates;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();

  ReplicationGauges(MeterRegistry registry, int filesystemSeriesLimit) {
    this.registry = registry;
    this.limit = filesystemSeriesLimit;
    age =
        MultiGauge.builder("zfleet.replica.age")
            .description("Age of the newest snapshot the destination holds of the filesystem")
            .baseUnit("seconds")
            .register(registry);
    lag =
        MultiGauge.builder("zfleet.replication.lag")
            .description(
                "Time since the filesystem's last successful replication to the destination")
            .baseUnit("seconds")
            .register(registry);
    ageMax =
        MultiGauge.builder("zfleet.replica.age.max")
            .description("Oldest newest-snapshot among the job's filesystems at the destination")
            .baseUnit("seconds")
            .register(registry);
    counts =
        MultiGauge.builder("zfleet.replicas")
            .description("Filesystem replicas by freshness (ok, warning, critical, unknown)")
            .register(registry);
    rate =
        MultiGauge.builder("zfleet.transfer.rate")
            .description("Bytes per second of the running transfers, by job and destination")
            .baseUnit("bytes_per_second")
            .register(registry);
    certificates =
        MultiGauge.builder("zfleet.certificate.expiry.timestamp")
            .description("When the node's certificates expire (Unix time)")
            .baseUnit("seconds")
            .register(registry);
    Gauge.builder("zfleet.transfers.in.flight", inFlight, AtomicInteger::get)
        .description("Transfers (zfs send to zfs receive) running on this node")
        .register(registry);
    Gauge.builder("zfleet.replica.series.dropped", dropped, AtomicInteger::get)
        .description("Filesystem replicas without series of their own (over the configured limit)")
        .register(registry);
  }

  /** Counts bytes moved to a destination. */
  public void addBytes(String job, String destination, long bytes) {
    if (bytes > 0) {
      replicatedBytes(job, destination).increment(bytes);
    }
  }

  /** The bytes counter of a job and destination, at zero until bytes move. */
  public Counter replicatedBytes(String job, String destination) {
    return Counter.builder("zfleet.replicated")
        .description("Bytes replicated, by job and destination (counted while transfers run)")
        .baseUnit("bytes")
        .tags("job", job, "destination", destination)
        .register(registry);
  }

  /** Replaces every replica series with {@code replicas}. */
  public void replicas(List<Replica> replicas) {
    List<Replica> sorted = new ArrayList<>(replicas);
    sorted.sort(
        Comparator.comparing(Replica::job)
            .thenComparing(Replica::destination)
            .thenComparing(Replica::filesystem));
    List<Replica> own = sorted.subList(0, Math.min(limit, sorted.size()));
    dropped.set(sorted.size() - own.size());
    age.register(
        own.stream()
            .filter(r -> !Double.isNaN(r.ageSeconds()))
            .map(r -> MultiGauge.Row.of(tags(r), r.ageSeconds()))
            .toList(),
        true);
    lag.register(
        own.stream()
            .filter(r -> !Double.isNaN(r.lagSeconds()))
            .map(r -> MultiGauge.Row.of(tags(r), r.lagSeconds()))
            .toList(),
        true);
    Map<Tags, Double> max = new TreeMap<>(Comparator.comparing(Tags::toString));
    Map<Tags, Integer> byLevel = new TreeMap<>(Comparator.comparing(Tags::toString));
    for (Replica r : sorted) {
      Tags jobDest = Tags.of("job", r.job(), "destination", r.destination());
      if (!Double.isNaN(r.ageSeconds())) {
        max.merge(jobDest, r.ageSeconds(), Math::max);
      }
      for (String level : List.of("ok", "warning", "critical", "unknown")) {
        byLevel.merge(
            jobDest.and("freshness", level), level.equals(r.freshness()) ? 1 : 0, Integer::sum);
      }
    }
    ageMax.register(
        max.entrySet().stream().map(e -> MultiGauge.Row.of(e.getKey(), e.getValue())).toList(),
        true);
    counts.register(
        byLevel.entrySet().stream().map(e -> MultiGauge.Row.of(e.getKey(), e.getValue())).toList(),
        true);
  }

  /** Replaces the transfer series with {@code running}. */
  public void transfers(List<Transfer> running) {
    inFlight.set(running.size());
    Map<Tags, Double> byDest = new TreeMap<>(Comparator.comparing(Tags::toString));
    for (Transfer t : running) {
      byDest.merge(
          Tags.of("job", t.job(), "destination", t.destination()), t.bytesPerSecond(), Double::sum);
    }
    rate.register(
        byDest.entrySet().stream().map(e -> MultiGauge.Row.of(e.getKey(), e.getValue())).toList(),
        true);
  }

  /** Sets the certificate expiry series. */
  public void certificates(List<Certificate> certs) {
    certificates.register(
        certs.stream()
            .map(
                c ->
                    MultiGauge.Row.of(
                        Tags.of("certificate", c.name()), c.notAfter().getEpochSecond()))
            .toList(),
        true);
  }

  private static Tags tags(Replica r) {
    return Tags.of("job", r.job(), "filesystem", r.filesystem(), "destination", r.destination());
  }
}
