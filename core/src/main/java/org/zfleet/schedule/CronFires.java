package org.zfleet.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.zfleet.config.CronSpec;

/** When a {@link CronSpec} fires, evaluated in UTC. */
final class CronFires {

  /*
   * The Gregorian calendar repeats after 400 years, and 400 years are a whole number of weeks
   * (146,097 days = 20,871 weeks), so a spec that fires at all fires within any 400-year window.
   * Searching that far (plus a day) and finding nothing proves the spec never fires, so the search
   * always ends.
   */
  private static final long SEARCH_YEARS = 400;

  private CronFires() {}

  /** The first fire at or after {@code from}, or empty if the spec never fires. */
  static Optional<Instant> firstAtOrAfter(CronSpec spec, Instant from) {
    LocalDateTime t = LocalDateTime.ofInstant(from, ZoneOffset.UTC);
    LocalDateTime minute = t.truncatedTo(ChronoUnit.MINUTES);
    if (minute.isBefore(t)) {
      minute = minute.plusMinutes(1);
    }
    return firstFrom(spec, minute).map(found -> found.toInstant(ZoneOffset.UTC));
  }

  /** The first fire strictly after {@code after}, or empty if the spec never fires. */
  static Optional<Instant> firstAfter(CronSpec spec, Instant after) {
    LocalDateTime t = LocalDateTime.ofInstant(after, ZoneOffset.UTC);
    return firstFrom(spec, t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1))
        .map(found -> found.toInstant(ZoneOffset.UTC));
  }

  /** {@code start} lies on a whole minute. */
  private static Optional<LocalDateTime> firstFrom(CronSpec spec, LocalDateTime start) {
    LocalDate limit = start.toLocalDate().plusYears(SEARCH_YEARS).plusDays(1);
    LocalDate day = start.toLocalDate();
    LocalTime from = start.toLocalTime();
    while (day.isBefore(limit)) {
      if (!spec.months().get(day.getMonthValue())) {
        day = day.withDayOfMonth(1).plusMonths(1);
        from = LocalTime.MIDNIGHT;
        continue;
      }
      if (dayMatches(spec, day)) {
        Optional<LocalTime> time = firstTimeFrom(spec, from);
        if (time.isPresent()) {
          return Optional.of(LocalDateTime.of(day, time.get()));
        }
      }
      day = day.plusDays(1);
      from = LocalTime.MIDNIGHT;
    }
    return Optional.empty();
  }

  private static Optional<LocalTime> firstTimeFrom(CronSpec spec, LocalTime from) {
    int firstMinute = from.getMinute();
    for (int hour = spec.hours().nextSetBit(from.getHour());
        hour >= 0 && hour < 24;
        hour = spec.hours().nextSetBit(hour + 1)) {
      int minute = spec.minutes().nextSetBit(hour == from.getHour() ? firstMinute : 0);
      if (minute >= 0 && minute < 60) {
        return Optional.of(LocalTime.of(hour, minute));
      }
    }
    return Optional.empty();
  }

  /**
   * Vixie cron: when both day fields are restricted a day matches if either does, otherwise both
   * must (an unrestricted field matches every day, so this is the restricted one alone).
   */
  static boolean dayMatches(CronSpec spec, LocalDate day) {
    boolean dom = spec.daysOfMonth().get(day.getDayOfMonth());
    boolean dow = spec.daysOfWeek().get(day.getDayOfWeek().getValue() % 7);
    if (spec.dayOfMonthRestricted() && spec.dayOfWeekRestricted()) {
      return dom || dow;
    }
    return dom && dow;
  }
}
