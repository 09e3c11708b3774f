package org.zfleet.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.config.CronSpec;

/**
 * Cron schedules read the clock of a time zone, and its daylight-saving changes neither skip nor
 * double a snapshot. Europe/Berlin springs forward on 2026-03-29 at 02:00 CET (01:00 UTC) to 03:00
 * CEST and falls back on 2026-10-25 at 03:00 CEST (01:00 UTC) to 02:00 CET; America/New_York
 * springs forward on 2026-03-08 at 02:00 EST (07:00 UTC); Australia/Lord_Howe moves by half an
 * hour; Asia/Tokyo and Asia/Kolkata have no changes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CronDaylightSavingTest {

  static Stream<Arguments> fires() {
    return Stream.of(
        row(
            "Berlin, 02:30 on the spring-forward day: once, at the jump (03:00 CEST)",
            "Europe/Berlin",
            "30 2 * * *",
            "2026-03-28T12:00:00Z",
            "2026-03-29T01:00:00Z",
            "2026-03-30T00:30:00Z"),
        row(
            "Berlin, 02:30 on the fall-back day: once, at its first occurrence (CEST)",
            "Europe/Berlin",
            "30 2 * * *",
            "2026-10-24T12:00:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-26T01:30:00Z"),
        row(
            "Berlin, 03:00 daily, spring and fall",
            "Europe/Berlin",
            "0 3 * * *",
            "2026-03-28T12:00:00Z",
            "2026-03-29T01:00:00Z",
            "2026-03-30T01:00:00Z"),
        row(
            "Berlin, 03:00 on the fall-back day (CET)",
            "Europe/Berlin",
            "0 3 * * *",
            "2026-10-24T12:00:00Z",
            "2026-10-25T02:00:00Z",
            "2026-10-26T02:00:00Z"),
        row(
            "Berlin, fixed hours 1-3 every half hour, spring: the gap collapses into the jump",
            "Europe/Berlin",
            "0,30 1-3 * * *",
            "2026-03-28T23:59:00Z",
            "2026-03-29T00:00:00Z",
            "2026-03-29T00:30:00Z",
            "2026-03-29T01:00:00Z",
            "2026-03-29T01:30:00Z",
            "2026-03-29T23:00:00Z"),
        row(
            "Berlin, fixed hours 1-3 every half hour, fall: the repeated hour runs once",
            "Europe/Berlin",
            "0,30 1-3 * * *",
            "2026-10-24T22:59:00Z",
            "2026-10-24T23:00:00Z",
            "2026-10-24T23:30:00Z",
            "2026-10-25T00:00:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-25T02:00:00Z",
            "2026-10-25T02:30:00Z"),
        row(
            "Berlin, every 30 minutes, spring: evenly spaced, the missing hour has no fires",
            "Europe/Berlin",
            "*/30 * * * *",
            "2026-03-28T23:59:00Z",
            "2026-03-29T00:00:00Z",
            "2026-03-29T00:30:00Z",
            "2026-03-29T01:00:00Z",
            "2026-03-29T01:30:00Z"),
        row(
            "Berlin, every 30 minutes, fall: evenly spaced, the repeated hour runs twice",
            "Europe/Berlin",
            "*/30 * * * *",
            "2026-10-24T23:59:00Z",
            "2026-10-25T00:00:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-25T01:00:00Z",
            "2026-10-25T01:30:00Z",
            "2026-10-25T02:00:00Z"),
        row(
            "New York, 02:30 on the spring-forward day: at the jump (03:00 EDT)",
            "America/New_York",
            "30 2 * * *",
            "2026-03-07T12:00:00Z",
            "2026-03-08T07:00:00Z",
            "2026-03-09T06:30:00Z"),
        row(
            "Lord Howe, half-hour change, fall: 01:45 once",
            "Australia/Lord_Howe",
            "45 1 * * *",
            "2026-04-04T00:00:00Z",
            "2026-04-04T14:45:00Z",
            "2026-04-05T15:15:00Z"),
        row(
            "Tokyo, no changes: 02:30 every day, the same UTC time",
            "Asia/Tokyo",
            "30 2 * * *",
            "2026-03-28T00:00:00Z",
            "2026-03-28T17:30:00Z",
            "2026-03-29T17:30:00Z",
            "2026-03-30T17:30:00Z"),
        row(
            "Kolkata, a half-hour offset and no changes",
            "Asia/Kolkata",
            "0 3 * * *",
            "2026-10-24T00:00:00Z",
            "2026-10-24T21:30:00Z",
            "2026-10-25T21:30:00Z"),
        row(
            "UTC as before",
            "UTC",
            "30 2 * * *",
            "2026-03-28T12:00:00Z",
            "2026-03-29T02:30:00Z",
            "2026-03-30T02:30:00Z"));
  }

  private static Arguments row(
      String name, String zone, String cron, String after, String... next) {
    return Arguments.of(name, zone, cron, after, Arrays.asList(next));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fires")
  void firesAroundTheClockChanges(
      String name, String zone, String cron, String after, List<String> next) {
    CronSpec spec = CronSpec.parse(cron);
    List<String> found = new ArrayList<>();
    Instant t = Instant.parse(after);
    for (int i = 0; i < next.size(); i++) {
      t = CronFires.firstAfter(spec, ZoneId.of(zone), t).orElseThrow();
      found.add(t.toString());
    }
    assertThat(found).isEqualTo(next);
  }

  /**
   * A daemon that takes each snapshot a few seconds after it is due, its name the time it was
   * taken: from the day before to the day after each change, a daily job at 02:30 takes exactly one
   * snapshot per local day, Berlin's and Tokyo's alike.
   */
  static Stream<Arguments> days() {
    return Stream.of(
        Arguments.of("Europe/Berlin", "2026-03-27T12:00:00Z", "2026-03-31T12:00:00Z"),
        Arguments.of("Europe/Berlin", "2026-10-23T12:00:00Z", "2026-10-27T12:00:00Z"),
        Arguments.of("America/New_York", "2026-03-06T12:00:00Z", "2026-03-10T12:00:00Z"),
        Arguments.of("America/New_York", "2026-10-30T12:00:00Z", "2026-11-03T12:00:00Z"),
        Arguments.of("Asia/Tokyo", "2026-03-27T12:00:00Z", "2026-03-31T12:00:00Z"));
  }

  @ParameterizedTest(name = "{0} from {1}")
  @MethodSource("days")
  void aDailyJobTakesOneSnapshotPerLocalDay(String zone, String from, String until) {
    ZoneId z = ZoneId.of(zone);
    SnapshotSchedule schedule = SnapshotSchedule.cron(CronSpec.parse("30 2 * * *"), z);
    Instant now = Instant.parse(from);
    Optional<Instant> last = Optional.empty();
    List<LocalDateTime> taken = new ArrayList<>();
    while (true) {
      Instant due = schedule.nextDue(last, now).orElseThrow();
      if (due.isAfter(Instant.parse(until))) {
        break;
      }
      now = due.plusSeconds(3);
      last = Optional.of(now);
      taken.add(LocalDateTime.ofInstant(due, z));
    }
    assertThat(taken).hasSize(4);
    assertThat(taken.stream().map(LocalDateTime::toLocalDate).distinct()).hasSize(4);
    assertThat(taken)
        .allSatisfy(t -> assertThat(t.getHour() * 60 + t.getMinute()).isBetween(150, 180));
  }

  // The search against a minute-by-minute walk that applies the rules directly, around real
  // changes of zones with daylight-saving time (seeded; a failure names expression and start).

  private static final String[] MINUTES = {"*", "0", "*/15", "5,35", "30", "59", "*/20"};
  private static final String[] HOURS = {"*", "0", "2", "1-3", "*/2", "2,3", "*/1", "9-17"};
  private static final String[] ZONES = {
    "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "Asia/Tokyo"
  };

  @Test
  void theSearchAgreesWithAWalkThroughEveryMinute() {
    Random random = new Random(11);
    for (int i = 0; i < 300; i++) {
      String text = pick(random, MINUTES) + " " + pick(random, HOURS) + " * * *";
      CronSpec spec = CronSpec.parse(text);
      ZoneId zone = ZoneId.of(pick(random, ZONES));
      ZoneRules rules = zone.getRules();
      Instant year = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(random.nextInt(365 * 86400));
      ZoneOffsetTransition change = rules.nextTransition(year);
      Instant near =
          change == null ? year : change.getInstant().plusSeconds(random.nextInt(3 * 3600) - 5400);
      Instant start = near.plusSeconds(random.nextInt(120) - 60);
      Optional<Instant> walked = walk(spec, zone, start, 3);
      assertThat(CronFires.firstAfter(spec, zone, start))
          .as("\"%s\" in %s after %s", text, zone, start)
          .isEqualTo(walked);
    }
  }

  /**
   * The first fire strictly after {@code after} within {@code days}, minute by minute in real time:
   * a local time that exists once fires when the clock shows it; one that a fall-back repeats fires
   * at its first occurrence, or at both if the spec runs every hour; one that a spring-forward
   * skips fires at the jump, unless the spec runs every hour.
   */
  private static Optional<Instant> walk(CronSpec spec, ZoneId zone, Instant after, int days) {
    ZoneRules rules = zone.getRules();
    boolean everyHour = spec.hours().cardinality() == 24;
    Instant t = after.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60);
    Instant end = after.plus(days, ChronoUnit.DAYS);
    for (; t.isBefore(end); t = t.plusSeconds(60)) {
      LocalDateTime local = LocalDateTime.ofInstant(t, zone);
      if (matches(spec, local)) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        boolean firstOccurrence =
            offsets.size() < 2
                || t.equals(
                    offsets.stream().map(local::toInstant).min(Instant::compareTo).orElseThrow());
        if (everyHour || firstOccurrence) {
          return Optional.of(t);
        }
      }
      if (!everyHour) {
        ZoneOffsetTransition previous = rules.previousTransition(t.plusNanos(1));
        if (previous != null && previous.getInstant().equals(t) && previous.isGap()) {
          for (LocalDateTime skipped = previous.getDateTimeBefore();
              skipped.isBefore(previous.getDateTimeAfter());
              skipped = skipped.plusMinutes(1)) {
            if (matches(spec, skipped)) {
              return Optional.of(t);
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  private static boolean matches(CronSpec spec, LocalDateTime local) {
    return spec.hours().get(local.getHour()) && spec.minutes().get(local.getMinute());
  }

  private static String pick(Random random, String[] options) {
    return options[random.nextInt(options.length)];
  }
}
