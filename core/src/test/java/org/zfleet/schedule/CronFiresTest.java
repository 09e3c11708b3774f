package org.zfleet.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.CronSpec;

/**
 * The skipping search against a plain minute-by-minute walk, over random expressions and start
 * times (seeded; a failure names the expression and the start).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CronFiresTest {

  private static final String[] MINUTES = {"*", "0", "*/15", "5,35", "10-20/5", "59"};
  private static final String[] HOURS = {"*", "0", "*/6", "9-17", "23"};
  private static final String[] DAYS = {"*", "1", "13", "*/2", "28-31", "29", "31"};
  private static final String[] MONTHS = {"*", "2", "*/3", "jan,jul", "12"};
  private static final String[] WEEKDAYS = {"*", "5", "1-5", "0", "sat,sun", "7"};

  @Test
  void theSearchFindsTheFirstMatchingMinute() {
    Random random = new Random(3);
    long from2026 = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
    long span = Instant.parse("2030-01-01T00:00:00Z").getEpochSecond() - from2026;
    int fired = 0;
    for (int i = 0; i < 400; i++) {
      String text =
          pick(random, MINUTES)
              + " "
              + pick(random, HOURS)
              + " "
              + pick(random, DAYS)
              + " "
              + pick(random, MONTHS)
              + " "
              + pick(random, WEEKDAYS);
      CronSpec spec = CronSpec.parse(text);
      Instant from = Instant.ofEpochSecond(from2026 + Math.floorMod(random.nextLong(), span));
      Optional<Instant> found = CronFires.firstAtOrAfter(spec, ZoneOffset.UTC, from);
      Optional<Instant> walked = walk(spec, from, 9);
      assertThat(found).as("\"%s\" from %s", text, from).isEqualTo(walked);
      fired += found.isPresent() ? 1 : 0;
      Optional<Instant> after = found.flatMap(f -> CronFires.firstAfter(spec, ZoneOffset.UTC, f));
      assertThat(after)
          .as("\"%s\" after %s", text, found)
          .isEqualTo(found.flatMap(f -> walk(spec, f.plusSeconds(1), 9)));
    }
    // Only combinations such as "31 2" never fire; most must, or the comparison proves little.
    assertThat(fired).isGreaterThan(300);
  }

  @Test
  void startsBetweenMinutesRoundUp() {
    CronSpec everyMinute = CronSpec.parse("* * * * *");
    assertThat(
            CronFires.firstAtOrAfter(
                everyMinute, ZoneOffset.UTC, Instant.parse("2026-01-01T00:00:00.001Z")))
        .contains(Instant.parse("2026-01-01T00:01:00Z"));
    assertThat(
            CronFires.firstAtOrAfter(
                everyMinute, ZoneOffset.UTC, Instant.parse("2026-01-01T00:00:00Z")))
        .contains(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(
            CronFires.firstAfter(
                everyMinute, ZoneOffset.UTC, Instant.parse("2026-01-01T00:00:00Z")))
        .contains(Instant.parse("2026-01-01T00:01:00Z"));
  }

  /**
   * Every minute from {@code from} on, for up to {@code years}; days that cannot match are skipped
   * whole.
   */
  private static Optional<Instant> walk(CronSpec spec, Instant from, int years) {
    LocalDateTime t = LocalDateTime.ofInstant(from, ZoneOffset.UTC);
    LocalDateTime start = t.truncatedTo(ChronoUnit.MINUTES);
    if (start.isBefore(t)) {
      start = start.plusMinutes(1);
    }
    LocalDate end = start.toLocalDate().plusYears(years);
    for (LocalDate day = start.toLocalDate(); day.isBefore(end); day = day.plusDays(1)) {
      if (!spec.months().get(day.getMonthValue()) || !dayMatches(spec, day)) {
        continue;
      }
      for (LocalDateTime m = day.atStartOfDay();
          m.toLocalDate().equals(day);
          m = m.plusMinutes(1)) {
        if (!m.isBefore(start)
            && spec.hours().get(m.getHour())
            && spec.minutes().get(m.getMinute())) {
          return Optional.of(m.toInstant(ZoneOffset.UTC));
        }
      }
    }
    return Optional.empty();
  }

  /** Vixie cron's rule, restated from its manual. */
  private static boolean dayMatches(CronSpec spec, LocalDate day) {
    boolean dom = spec.daysOfMonth().get(day.getDayOfMonth());
    boolean dow = spec.daysOfWeek().get(day.getDayOfWeek().getValue() % 7);
    boolean domStar = spec.text().split("\\s+")[2].startsWith("*");
    boolean dowStar = spec.text().split("\\s+")[4].startsWith("*");
    return domStar || dowStar ? dom && dow : dom || dow;
  }

  private static String pick(Random random, String[] options) {
    return options[random.nextInt(options.length)];
  }
}
