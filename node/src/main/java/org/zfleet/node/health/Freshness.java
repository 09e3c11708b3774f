package org.zfleet.node.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.zfleet.config.Replication;
import org.zfleet.job.Durations;

/**
 * Judges replicas by age: the age of a replica is the time since the newest snapshot its
 * destination holds was created on the sender. Past the warn age it is WARNING, past the critical
 * age CRITICAL; with no snapshot known it is UNKNOWN. Pure: time comes in as an argument.
 */
public final class Freshness {

  private Freshness() {}

  /** One judged replica. */
  public record Judged(
      ReplicaRecord replica,
      Optional<Duration> age,
      Optional<Duration> lag,
      FreshnessLevel level,
      Replication.Freshness thresholds) {}

  /** The check's answer: its level, a summary line with perfdata, and one line per offender. */
  public record Report(FreshnessLevel level, String summary, List<String> offenders) {}

  public static Judged judge(ReplicaRecord r, Replication.Freshness thresholds, Instant now) {
    Optional<Duration> age = r.snapshotCreated().map(c -> nonNegative(Duration.between(c, now)));
    Optional<Duration> lag = r.lastSuccess().map(s -> nonNegative(Duration.between(s, now)));
    FreshnessLevel level =
        age.map(
                a ->
                    a.compareTo(thresholds.critical()) >= 0
                        ? FreshnessLevel.CRITICAL
                        : a.compareTo(thresholds.warn()) >= 0
                            ? FreshnessLevel.WARNING
                            : FreshnessLevel.OK)
            .orElse(FreshnessLevel.UNKNOWN);
    return new Judged(r, age, lag, level, thresholds);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * The Nagios/Icinga report over {@code judged}: the worst level; {@code FRESHNESS <LEVEL> - ... |
   * perfdata}; then each replica that is not OK, worst first. No replica at all is UNKNOWN.
   */
  public static Report report(List<Judged> judged, String scope) {
    if (judged.isEmpty()) {
      return new Report(
          FreshnessLevel.UNKNOWN,
          "FRESHNESS UNKNOWN - no replicated filesystem known for " + scope,
          List.of());
    }
    FreshnessLevel level = FreshnessLevel.OK;
    int[] counts = new int[FreshnessLevel.values().length];
    Optional<Judged> oldest = Optional.empty();
    for (Judged j : judged) {
      level = level.worse(j.level());
      counts[j.level().ordinal()]++;
      if (j.age().isPresent()
          && (oldest.isEmpty() || j.age().get().compareTo(oldest.get().age().get()) > 0)) {
        oldest = Optional.of(j);
      }
    }
    Replication.Freshness t = oldest.orElse(judged.get(0)).thresholds();
    String summary =
        "FRESHNESS "
            + level.name()
            + " - "
            + judged.size()
            + " replica(s) of "
            + scope
            + ": "
            + counts[FreshnessLevel.OK.ordinal()]
            + " ok, "
            + counts[FreshnessLevel.WARNING.ordinal()]
            + " warning, "
            + counts[FreshnessLevel.CRITICAL.ordinal()]
            + " critical, "
            + counts[FreshnessLevel.UNKNOWN.ordinal()]
            + " unknown"
            + oldest
                .map(
                    o ->
                        "; oldest "
                            + Durations.human(o.age().get())
                            + " ("
                            + o.replica().filesystem()
                            + " -> "
                            + o.replica().destination()
                            + ")")
                .orElse("")
            + " | oldest_age="
            + oldest.map(o -> o.age().get().toSeconds() + "s").orElse("U")
            + ";"
            + t.warn().toSeconds()
            + ";"
            + t.critical().toSeconds()
            + ";0; ok="
            + counts[FreshnessLevel.OK.ordinal()]
            + " warning="
            + counts[FreshnessLevel.WARNING.ordinal()]
            + " critical="
            + counts[FreshnessLevel.CRITICAL.ordinal()]
            + " unknown="
            + counts[FreshnessLevel.UNKNOWN.ordinal()];
    List<Judged> bad =
        new ArrayList<>(judged.stream().filter(j -> j.level() != FreshnessLevel.OK).toList());
    bad.sort(
        Comparator.comparingInt((Judged j) -> -j.level().severity())
            .thenComparing(j -> j.replica().job())
            .thenComparing(j -> j.replica().filesystem()));
    return new Report(level, summary, bad.stream().map(Freshness::line).toList());
  }

  /**
   * {@code CRITICAL job fs -> dest: newest snapshot @x is 7h old (critical 6h); last attempt
   * failed: ...}.
   */
  static String line(Judged j) {
    ReplicaRecord r = j.replica();
    StringBuilder s =
        new StringBuilder(j.level().name())
            .append(' ')
            .append(r.job())
            .append(' ')
            .append(r.filesystem())
            .append(" -> ")
            .append(r.destination())
            .append(": ");
    if (j.age().isPresent()) {
      s.append("newest replicated snapshot ")
          .append(r.snapshot().map(n -> "@" + n + " ").orElse(""))
          .append("is ")
          .append(Durations.human(j.age().get()))
          .append(" old (warn ")
          .append(Durations.human(j.thresholds().warn()))
          .append(", critical ")
          .append(Durations.human(j.thresholds().critical()))
          .append(')');
    } else {
      s.append("no replicated snapshot known yet");
    }
    if (!r.lastOutcome().isEmpty() && !r.lastOutcome().equals("ok")) {
      s.append("; last attempt ").append(r.lastOutcome());
      if (!r.lastReason().isEmpty()) {
        s.append(": ").append(r.lastReason());
      }
    }
    return s.toString();
  }
}
