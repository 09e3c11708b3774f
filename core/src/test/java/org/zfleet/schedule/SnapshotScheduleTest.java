package org.zfleet.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.config.CronSpec;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SnapshotScheduleTest {

  private static final SnapshotSchedule HOURLY = SnapshotSchedule.interval(Duration.ofHours(1));

  private static Optional<Instant> at(String instant) {
    return instant == null ? Optional.empty() : Optional.of(Instant.parse(instant));
  }

  private static Arguments row(
      String description, SnapshotSchedule schedule, String last, String now, String due) {
    return Arguments.of(description, schedule, at(last), Instant.parse(now), at(due));
  }

  private static SnapshotSchedule cron(String text) {
    return SnapshotSchedule.cron(CronSpec.parse(text), ZoneOffset.UTC);
  }

  static Stream<Arguments> intervals() {
    return Stream.of(
        row(
            "a new job snapshots at once",
            HOURLY,
            null,
            "2026-03-01T12:34:56.789Z",
            "2026-03-01T12:34:56.789Z"),
        row(
            "aligned to the last snapshot",
            HOURLY,
            "2026-03-01T12:00:00Z",
            "2026-03-01T12:10:00Z",
            "2026-03-01T13:00:00Z"),
        row(
            "a restart just before due neither snapshots early nor skips",
            HOURLY,
            "2026-03-01T12:00:00Z",
            "2026-03-01T12:59:59Z",
            "2026-03-01T13:00:00Z"),
        row(
            "due exactly at last + interval",
            HOURLY,
            "2026-03-01T12:00:00Z",
            "2026-03-01T13:00:00Z",
            "2026-03-01T13:00:00Z"),
        row(
            "after a long stop, one catch-up now",
            HOURLY,
            "2026-03-01T12:00:00Z",
            "2026-03-01T17:23:00Z",
            "2026-03-01T17:23:00Z"),
        row(
            "after the catch-up, aligned to it",
            HOURLY,
            "2026-03-01T17:23:00Z",
            "2026-03-01T17:23:01Z",
            "2026-03-01T18:23:00Z"),
        row(
            "a last snapshot in the future (clock moved back) is waited for",
            HOURLY,
            "2026-03-01T14:00:00Z",
            "2026-03-01T12:00:00Z",
            "2026-03-01T15:00:00Z"),
        row(
            "a daily interval runs into a leap day",
            SnapshotSchedule.interval(Duration.ofDays(1)),
            "2028-02-28T10:00:00Z",
            "2028-02-28T11:00:00Z",
            "2028-02-29T10:00:00Z"),
        row(
            "a daily interval ignores the local zone's clock change",
            SnapshotSchedule.interval(Duration.ofDays(1)),
            "2026-03-28T10:00:00Z",
            "2026-03-28T11:00:00Z",
            "2026-03-29T10:00:00Z"),
        row(
            "manual never snapshots by itself",
            SnapshotSchedule.manual(),
            "2026-03-01T12:00:00Z",
            "2027-03-01T12:00:00Z",
            null),
        row(
            "manual without any snapshot",
            SnapshotSchedule.manual(),
            null,
            "2027-03-01T12:00:00Z",
            null));
  }

  static Stream<Arguments> crons() {
    return Stream.of(
        row(
            "hourly: the next full hour after the last",
            cron("0 * * * *"),
            "2026-03-01T10:00:00Z",
            "2026-03-01T10:00:01Z",
            "2026-03-01T11:00:00Z"),
        row(
            "a snapshot taken late in the fire's minute is not repeated",
            cron("0 * * * *"),
            "2026-03-01T10:00:03Z",
            "2026-03-01T10:00:04Z",
            "2026-03-01T11:00:00Z"),
        row(
            "fires missed while down collapse into one catch-up now",
            cron("0 * * * *"),
            "2026-03-01T10:00:00Z",
            "2026-03-01T15:07:00Z",
            "2026-03-01T15:07:00Z"),
        row(
            "after the catch-up, the next fire",
            cron("0 * * * *"),
            "2026-03-01T15:07:00Z",
            "2026-03-01T15:07:01Z",
            "2026-03-01T16:00:00Z"),
        row(
            "a restart between fires waits for the next",
            cron("*/15 * * * *"),
            "2026-03-01T10:15:00Z",
            "2026-03-01T10:20:00Z",
            "2026-03-01T10:30:00Z"),
        row(
            "a new job waits for its first fire",
            cron("*/5 * * * *"),
            null,
            "2026-03-01T12:34:10Z",
            "2026-03-01T12:35:00Z"),
        row(
            "a new job started exactly on a fire takes it",
            cron("*/5 * * * *"),
            null,
            "2026-03-01T12:35:00Z",
            "2026-03-01T12:35:00Z"),
        row(
            "leap day only: the next February 29",
            cron("0 0 29 2 *"),
            null,
            "2026-03-01T00:00:00Z",
            "2028-02-29T00:00:00Z"),
        row(
            "leap day only: after one, four years later",
            cron("0 0 29 2 *"),
            "2028-02-29T00:00:00Z",
            "2028-02-29T00:00:01Z",
            "2032-02-29T00:00:00Z"),
        row(
            "leap day only: 2100 is no leap year",
            cron("0 0 29 2 *"),
            "2096-02-29T00:00:00Z",
            "2096-02-29T00:00:01Z",
            "2104-02-29T00:00:00Z"),
        row(
            "day 31 skips the short months",
            cron("0 12 31 * *"),
            "2026-03-31T12:00:00Z",
            "2026-03-31T12:00:01Z",
            "2026-05-31T12:00:00Z"),
        row(
            "both day fields restricted: either matches (Vixie)",
            cron("0 0 13 * 5"),
            null,
            "2026-03-01T00:00:01Z",
            "2026-03-06T00:00:00Z"),
        row(
            "a starred day-of-month with a step counts as unrestricted: both must match",
            cron("0 0 */2 * 5"),
            null,
            "2026-03-01T00:00:01Z",
            "2026-03-13T00:00:00Z"),
        row(
            "day-of-week 7 is Sunday",
            cron("0 0 * * 7"),
            null,
            "2026-03-02T00:00:00Z",
            "2026-03-08T00:00:00Z"),
        row(
            "month names, across the year end",
            cron("0 0 1 jan *"),
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:01Z",
            "2027-01-01T00:00:00Z"),
        row(
            "the end of the day rolls into the next",
            cron("45 23 * * *"),
            "2026-12-31T23:45:00Z",
            "2026-12-31T23:50:00Z",
            "2027-01-01T23:45:00Z"),
        row(
            "02:30 UTC on the night Europe springs forward",
            cron("30 2 * * *"),
            null,
            "2026-03-28T12:00:00Z",
            "2026-03-29T02:30:00Z"),
        row(
            "01:30 UTC on the night Europe falls back, once",
            cron("30 1 * * *"),
            "2026-10-25T01:30:00Z",
            "2026-10-25T01:30:01Z",
            "2026-10-26T01:30:00Z"),
        row(
            "07:00 UTC across the US spring change",
            cron("0 7 * * *"),
            "2026-03-08T07:00:00Z",
            "2026-03-08T07:00:01Z",
            "2026-03-09T07:00:00Z"));
  }

  @ParameterizedTest(name = "interval: {0}")
  @MethodSource("intervals")
  void intervalAndManualSchedules(
      String description,
      SnapshotSchedule schedule,
      Optional<Instant> last,
      Instant now,
      Optional<Instant> due) {
    assertThat(schedule.nextDue(last, now)).isEqualTo(due);
  }

  @ParameterizedTest(name = "cron: {0}")
  @MethodSource("crons")
  void cronSchedulesInUtc(
      String description,
      SnapshotSchedule schedule,
      Optional<Instant> last,
      Instant now,
      Optional<Instant> due) {
    assertThat(schedule.nextDue(last, now)).isEqualTo(due);
  }

  /** The same tables, with the JVM's default zone one that changes its clocks: nothing moves. */
  @Test
  void theLocalZoneAndItsDaylightSavingChangesDoNotMatter() {
    TimeZone original = TimeZone.getDefault();
    try {
      for (String zone :
          new String[] {"Europe/Berlin", "America/New_York", "Australia/Lord_Howe"}) {
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        Stream.concat(intervals(), crons())
            .forEach(
                row -> {
                  Object[] a = row.get();
                  @SuppressWarnings("unchecked")
                  Optional<Instant> last = (Optional<Instant>) a[2];
                  assertThat(((SnapshotSchedule) a[1]).nextDue(last, (Instant) a[3]))
                      .as("%s in %s", a[0], zone)
                      .isEqualTo(a[4]);
                });
        assertThat(new SnapshotNaming("zfleet_").name(Instant.parse("2026-10-25T01:30:00Z")))
            .isEqualTo("zfleet_20261025T013000Z");
      }
    } finally {
      TimeZone.setDefault(original);
    }
  }

  @Test
  void aCronThatNeverFiresIsRejected() {
    assertThatThrownBy(() -> cron("0 0 30 2 *")).hasMessage("cron \"0 0 30 2 *\" never fires");
    assertThatThrownBy(() -> cron("0 0 31 4,6,9,11 *"))
        .hasMessage("cron \"0 0 31 4,6,9,11 *\" never fires");
  }

  @Test
  void intervalsShorterThanASecondAreRejected() {
    assertThatThrownBy(() -> SnapshotSchedule.interval(Duration.ofMillis(500)))
        .hasMessage("a snapshot interval must be at least one second, got PT0.5S");
    assertThatThrownBy(() -> SnapshotSchedule.interval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRestartedJobComputesWhatTheRunningOneWould() {
    // Running: took a snapshot at 10:00:00.4 (named ...T100000Z), then asked at once.
    // Restarted: reads the time back from the name, asks whenever it comes up.
    SnapshotNaming naming = new SnapshotNaming("zfleet_");
    Instant taken = Instant.parse("2026-03-01T10:00:00.400Z");
    Instant fromName =
        ((SnapshotNaming.Parsed.Timestamped) naming.parse(naming.name(taken))).timestamp();
    for (SnapshotSchedule s :
        new SnapshotSchedule[] {HOURLY, cron("0 * * * *"), cron("*/20 * * * *")}) {
      Instant running = s.nextDue(Optional.of(fromName), taken).orElseThrow();
      for (String restart : new String[] {"2026-03-01T10:00:01Z", "2026-03-01T10:19:59Z"}) {
        assertThat(s.nextDue(Optional.of(fromName), Instant.parse(restart)))
            .as("%s restarted at %s", s.describe(), restart)
            .contains(running.isBefore(Instant.parse(restart)) ? Instant.parse(restart) : running);
      }
    }
  }
}
