package org.zfleet.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.config.CronSpec;

/**
 * When a job takes its next snapshot. Instants throughout; only a cron schedule reads local time,
 * in the zone it is given. The caller supplies the time of the last snapshot the job took (from its
 * name or creation) and the current time, so a restarted job computes exactly what the running one
 * would have.
 *
 * <p>Callers take a snapshot only once {@code now} has reached the due instant.
 */
public sealed interface SnapshotSchedule {

  /**
   * The instant the next snapshot is due, never before {@code now}: {@code now} itself means "take
   * it now". Empty means the schedule never takes one by itself (manual).
   */
  Optional<Instant> nextDue(Optional<Instant> lastTaken, Instant now);

  /** A short description for status pages and logs. */
  String describe();

  static SnapshotSchedule interval(Duration every) {
    return new Interval(every);
  }

  /**
   * {@code spec} read on the clock of {@code zone}; see {@link Cron} for daylight-saving changes.
   */
  static SnapshotSchedule cron(CronSpec spec, ZoneId zone) {
    return new Cron(spec, zone);
  }

  static SnapshotSchedule manual() {
    return new Manual();
  }

  /**
   * Every {@code every}, aligned to the last snapshot the job took: due at {@code lastTaken +
   * every}, or now if that has passed (one catch-up snapshot after a long stop, not many) or if the
   * job has none yet. A last snapshot in the future (the clock moved back) is honoured too: the
   * next one waits for {@code lastTaken + every}, so names keep sorting as time.
   */
  record Interval(Duration every) implements SnapshotSchedule {
    public Interval {
      Objects.requireNonNull(every, "every");
      // Names have one-second resolution: a shorter interval would repeat names.
      if (every.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "a snapshot interval must be at least one second, got " + every);
      }
    }

    @Override
    public Optional<Instant> nextDue(Optional<Instant> lastTaken, Instant now) {
      Objects.requireNonNull(now, "now");
      if (lastTaken.isEmpty()) {
        return Optional.of(now);
      }
      Instant due = lastTaken.get().plus(every);
      return Optional.of(due.isBefore(now) ? now : due);
    }

    @Override
    public String describe() {
      return "interval " + every;
    }
  }

  /**
   * A cron expression read on the clock of {@code zone}. With a last snapshot, the next fire
   * strictly after it is due (now, if it has passed: fires missed while the job was down collapse
   * into one catch-up snapshot). With none, the first fire at or after {@code now}: a new job waits
   * for its first fire rather than snapshotting at start-up. A daylight-saving change neither skips
   * nor doubles a fixed-time snapshot: a time the spring-forward skips fires at the jump, a time
   * the fall-back repeats fires at its first occurrence.
   */
  record Cron(CronSpec spec, ZoneId zone) implements SnapshotSchedule {

    private static final Instant PROBE =
        LocalDateTime.of(2000, 1, 1, 0, 0).toInstant(ZoneOffset.UTC);

    public Cron {
      Objects.requireNonNull(spec, "spec");
      Objects.requireNonNull(zone, "zone");
      if (CronFires.firstAtOrAfter(spec, zone, PROBE).isEmpty()) {
        throw new IllegalArgumentException("cron \"" + spec.text() + "\" never fires");
      }
    }

    @Override
    public Optional<Instant> nextDue(Optional<Instant> lastTaken, Instant now) {
      Objects.requireNonNull(now, "now");
      Instant fire =
          lastTaken
              .map(last -> CronFires.firstAfter(spec, zone, last))
              .orElseGet(() -> CronFires.firstAtOrAfter(spec, zone, now))
              .orElseThrow(
                  () -> new IllegalStateException("cron \"" + spec.text() + "\" never fires"));
      return Optional.of(fire.isBefore(now) ? now : fire);
    }

    /** The first fire at or after {@code from}, for status pages ("next snapshot at ..."). */
    public Instant firstFireAtOrAfter(Instant from) {
      return CronFires.firstAtOrAfter(spec, zone, from).orElseThrow();
    }

    @Override
    public String describe() {
      return "cron \"" + spec.text() + "\" (" + zone.getId() + ")";
    }
  }

  /** Snapshots only on demand, never by the clock. */
  record Manual() implements SnapshotSchedule {
    @Override
    public Optional<Instant> nextDue(Optional<Instant> lastTaken, Instant now) {
      return Optional.empty();
    }

    @Override
    public String describe() {
      return "manual";
    }
  }
}
