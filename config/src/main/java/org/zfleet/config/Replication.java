package org.zfleet.config;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How a replicating job moves snapshots.
 *
 * @param concurrency filesystems replicated at the same time
 * @param stallTimeout a transfer that moves no byte for this long is stopped and retried
 * @param bandwidthLimit bytes per second for the job, empty for no limit
 * @param retryMinBackoff first wait after a failed attempt; doubled up to {@code retryMaxBackoff}
 * @param initialReplication what a first replication to an empty receiver sends
 * @param freshness the ages at which monitoring warns and pages about a destination's replica
 */
public record Replication(
    int concurrency,
    Duration stallTimeout,
    OptionalLong bandwidthLimit,
    Duration retryMinBackoff,
    Duration retryMaxBackoff,
    InitialReplication initialReplication,
    Freshness freshness) {

  /**
   * How old the newest snapshot a destination holds may grow before monitoring warns ({@code warn})
   * and pages ({@code critical}): {@code zfleet check freshness}, {@code /health/backups}, the
   * status views.
   */
  public record Freshness(Duration warn, Duration critical) {
    public static final Freshness DEFAULT = new Freshness(Duration.ofHours(2), Duration.ofHours(6));

    public Freshness {
      positive("freshness.warn", warn);
      positive("freshness.critical", critical);
      if (critical.compareTo(warn) < 0) {
        throw new IllegalArgumentException("freshness.critical is shorter than freshness.warn");
      }
    }
  }

  /** With the default freshness thresholds (2h, 6h). */
  public Replication(
      int concurrency,
      Duration stallTimeout,
      OptionalLong bandwidthLimit,
      Duration retryMinBackoff,
      Duration retryMaxBackoff,
      InitialReplication initialReplication) {
    this(
        concurrency,
        stallTimeout,
        bandwidthLimit,
        retryMinBackoff,
        retryMaxBackoff,
        initialReplication,
        Freshness.DEFAULT);
  }

  /** What the first replication of a filesystem sends when the receiver has none of it. */
  public enum InitialReplication {
    /** Every snapshot the sender has, oldest first. */
    ALL,
    /** Only the newest snapshot; later ones follow incrementally. */
    MOST_RECENT,
    /** Nothing: the filesystem is reported and left for the operator. */
    FAIL;

    /** The name used in the configuration, e.g. {@code most-recent}. */
    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  public Replication {
    Objects.requireNonNull(stallTimeout, "stallTimeout");
    Objects.requireNonNull(bandwidthLimit, "bandwidthLimit");
    Objects.requireNonNull(retryMinBackoff, "retryMinBackoff");
    Objects.requireNonNull(retryMaxBackoff, "retryMaxBackoff");
    Objects.requireNonNull(initialReplication, "initialReplication");
    Objects.requireNonNull(freshness, "freshness");
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    positive("stall-timeout", stallTimeout);
    positive("retry-backoff.min", retryMinBackoff);
    positive("retry-backoff.max", retryMaxBackoff);
    if (retryMaxBackoff.compareTo(retryMinBackoff) < 0) {
      throw new IllegalArgumentException("retry-backoff.max is shorter than retry-backoff.min");
    }
    if (bandwidthLimit.isPresent() && bandwidthLimit.getAsLong() < 1) {
      throw new IllegalArgumentException("bandwidth limit must be positive");
    }
  }

  private static void positive(String what, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
  }
}
