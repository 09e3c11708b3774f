package org.zfleet.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Optional;
import org.zfleet.config.CronSpec;

/**
 * When a {@link CronSpec} fires, read on the clock of a time zone, as Vixie cron does across
 * daylight-saving changes:
 *
 * <ul>
 *   <li>A spec that runs every hour (its hour field covers 0-23) follows the clock as it reads: a
 *       local time a spring-forward skips does not fire, one a fall-back repeats fires twice, so
 *       fires stay evenly spaced in real time.
 *   <li>Any other spec runs at fixed local times, each exactly once a day: one that a
 *       spring-forward skips fires at the jump (the first instant after the gap; several skipped
 *       times fire once), one that a fall-back repeats fires at its first occurrence only.
 * </ul>
 */
final class CronFires {

  /*
   * The Gregorian calendar repeats after 400 years, and 400 years are a whole number of weeks
   * (146,097 days = 20,871 weeks), so a spec that fires at all fires within any 400-year window.
   * Searching that far (plus a few days) and finding nothing proves the spec never fires, so the
   * search always ends.
   */
  private static final long SEARCH_YEARS = 400;

  private CronFires() {}

  /** The first fire at or after {@code from}, or empty if the spec never fires. */
  static Optional<Instant> firstAtOrAfter(CronSpec spec, ZoneId zone, Instant from) {
    return first(spec, zone, from.minusNanos(1));
  }

  /** The first fire strictly after {@code after}, or empty if the spec never fires. */
  static Optional<Instant> firstAfter(CronSpec spec, ZoneId zone, Instant after) {
    return first(spec, zone, after);
  }

  /**
   * Days are searched in local order from the day before {@code after}'s (a fall-back can put a
   * fire of that day after it). Within a day and across a change, local order and real order can
   * differ, so the earliest fire of the first day with one is compared with the next day's.
   */
  private static Optional<Instant> first(CronSpec spec, ZoneId zone, Instant after) {
    ZoneRules rules = zone.getRules();
    boolean everyHour = spec.hours().cardinality() == 24;
    LocalDate day = LocalDate.ofInstant(after, zone).minusDays(1);
    LocalDate limit = day.plusYears(SEARCH_YEARS).plusDays(3);
    while (day.isBefore(limit)) {
      if (!spec.months().get(day.getMonthValue())) {
        day = day.withDayOfMonth(1).plusMonths(1);
        continue;
      }
      Optional<Instant> found = firstOfDay(spec, rules, everyHour, day, after);
      if (found.isPresent()) {
        Optional<Instant> next = firstOfDay(spec, rules, everyHour, day.plusDays(1), after);
        return next.isPresent() && next.get().isBefore(found.get()) ? next : found;
      }
      day = day.plusDays(1);
    }
    return Optional.empty();
  }

  /** The earliest fire of local {@code day} strictly after {@code after}. */
  private static Optional<Instant> firstOfDay(
      CronSpec spec, ZoneRules rules, boolean everyHour, LocalDate day, Instant after) {
    if (!spec.months().get(day.getMonthValue()) || !dayMatches(spec, day)) {
      return Optional.empty();
    }
    Instant best = null;
    for (int hour = spec.hours().nextSetBit(0); hour >= 0 && hour < 24; ) {
      for (int minute = spec.minutes().nextSetBit(0); minute >= 0 && minute < 60; ) {
        LocalDateTime local = LocalDateTime.of(day, LocalTime.of(hour, minute));
        for (Instant fire : instantsOf(local, rules, everyHour)) {
          if (fire.isAfter(after) && (best == null || fire.isBefore(best))) {
            best = fire;
          }
        }
        minute = spec.minutes().nextSetBit(minute + 1);
      }
      hour = spec.hours().nextSetBit(hour + 1);
    }
    return Optional.ofNullable(best);
  }

  /** The real instants at which a local fire time happens, by the rules above. */
  private static List<Instant> instantsOf(LocalDateTime local, ZoneRules rules, boolean everyHour) {
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    if (offsets.size() == 1) {
      return List.of(local.toInstant(offsets.get(0)));
    }
    if (offsets.isEmpty()) {
      return everyHour ? List.of() : List.of(rules.getTransition(local).getInstant());
    }
    Instant a = local.toInstant(offsets.get(0));
    Instant b = local.toInstant(offsets.get(1));
    Instant earlier = a.isBefore(b) ? a : b;
    return everyHour ? List.of(a, b) : List.of(earlier);
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
