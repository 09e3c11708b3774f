package org.zfleet.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads a {@code replication { … }} section, each missing key taken from the job defaults. */
final class ReplicationReader {

  static final Map<String, Replication.InitialReplication> INITIAL = new LinkedHashMap<>();

  static {
    for (Replication.InitialReplication initial : Replication.InitialReplication.values()) {
      INITIAL.put(initial.configName(), initial);
    }
  }

  private ReplicationReader() {}

  /**
   * Reads {@code section}; {@code defaults} fills absent keys (null when reading the defaults
   * themselves, where every key must be present).
   */
  static Optional<Replication> read(ObjectReader section, Replication defaults) {
    int errorsBefore = section.problems().errorCount();
    section.rejectUnknownKeys(
        List.of(
            "concurrency",
            "stall-timeout",
            "bandwidth-limit",
            "retry-backoff",
            "initial-replication",
            "freshness"));
    Optional<Integer> concurrency = section.integer("concurrency", 1);
    Optional<Duration> stall = section.duration("stall-timeout");
    OptionalLong bandwidth = defaults == null ? OptionalLong.empty() : defaults.bandwidthLimit();
    if (section.has("bandwidth-limit")) {
      bandwidth = OptionalLong.empty();
      if (!section.string("bandwidth-limit").map(t -> t.trim().equals("none")).orElse(true)) {
        Optional<Long> rate = section.parsed("bandwidth-limit", Values::parseByteRate);
        if (rate.isPresent()) {
          bandwidth = OptionalLong.of(rate.get());
        }
      }
    } else if (section.isNull("bandwidth-limit")) {
      bandwidth = OptionalLong.empty();
    }
    Optional<Duration> min = Optional.empty();
    Optional<Duration> max = Optional.empty();
    Optional<ObjectReader> retry = section.object("retry-backoff");
    if (retry.isPresent()) {
      retry.get().rejectUnknownKeys(List.of("min", "max"));
      min = retry.get().duration("min");
      max = retry.get().duration("max");
    }
    Optional<Replication.InitialReplication> initial =
        section.choice("initial-replication", INITIAL);
    Optional<Duration> warn = Optional.empty();
    Optional<Duration> critical = Optional.empty();
    Optional<ObjectReader> freshness = section.object("freshness");
    if (freshness.isPresent()) {
      freshness.get().rejectUnknownKeys(List.of("warn", "critical"));
      warn = freshness.get().duration("warn");
      critical = freshness.get().duration("critical");
    }
    if (section.problems().errorCount() > errorsBefore) {
      return Optional.empty();
    }
    if (defaults == null) {
      if (concurrency.isEmpty()
          || stall.isEmpty()
          || min.isEmpty()
          || max.isEmpty()
          || initial.isEmpty()
          || warn.isEmpty()
          || critical.isEmpty()) {
        section.errorHere("every replication default needs a value");
        return Optional.empty();
      }
    }
    Duration minimum = min.orElseGet(() -> defaults.retryMinBackoff());
    Duration maximum = max.orElseGet(() -> defaults.retryMaxBackoff());
    if (maximum.compareTo(minimum) < 0) {
      section.error(
          "retry-backoff",
          "max ("
              + Values.formatDuration(maximum)
              + ") is shorter than min ("
              + Values.formatDuration(minimum)
              + ")");
      return Optional.empty();
    }
    Duration warnAge = warn.orElseGet(() -> defaults.freshness().warn());
    Duration criticalAge = critical.orElseGet(() -> defaults.freshness().critical());
    if (criticalAge.compareTo(warnAge) < 0) {
      section.error(
          "freshness",
          "critical ("
              + Values.formatDuration(criticalAge)
              + ") is shorter than warn ("
              + Values.formatDuration(warnAge)
              + ")");
      return Optional.empty();
    }
    return Optional.of(
        new Replication(
            concurrency.orElseGet(() -> defaults.concurrency()),
            stall.orElseGet(() -> defaults.stallTimeout()),
            bandwidth,
            minimum,
            maximum,
            initial.orElseGet(() -> defaults.initialReplication()),
            new Replication.Freshness(warnAge, criticalAge)));
  }
}
