package org.zfleet.config;

import java.util.BitSet;
import java.util.Locale;
import java.util.Objects;

/**
 * A parsed five-field cron expression ({@code minute hour day-of-month month day-of-week}),
 * evaluated in UTC by {@code org.zfleet.schedule}. Fields accept {@code *}, numbers, ranges {@code
 * a-b}, steps ({@code a-b/n}, or {@code /n} after a star), lists, and names for months and
 * weekdays; day-of-week 0 and 7 are both Sunday. As in Vixie cron, when both day fields are
 * restricted a day matches if either matches.
 */
public record CronSpec(
    String text,
    BitSet minutes,
    BitSet hours,
    BitSet daysOfMonth,
    BitSet months,
    BitSet daysOfWeek,
    boolean dayOfMonthRestricted,
    boolean dayOfWeekRestricted) {

  private static final String[] MONTHS = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
  };
  private static final String[] DAYS = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

  public CronSpec {
    Objects.requireNonNull(text, "text");
    minutes = (BitSet) minutes.clone();
    hours = (BitSet) hours.clone();
    daysOfMonth = (BitSet) daysOfMonth.clone();
    months = (BitSet) months.clone();
    daysOfWeek = (BitSet) daysOfWeek.clone();
  }

  /** Parses {@code text}; throws {@link IllegalArgumentException} naming the bad field. */
  public static CronSpec parse(String text) {
    String[] fields = text.trim().split("\\s+");
    if (text.isBlank() || fields.length != 5) {
      throw new IllegalArgumentException(
          "a cron expression has 5 fields (minute hour day-of-month month day-of-week), got "
              + (text.isBlank() ? 0 : fields.length)
              + " in \""
              + text
              + "\"");
    }
    BitSet minutes = field(fields[0], "minute", 0, 59, null);
    BitSet hours = field(fields[1], "hour", 0, 23, null);
    BitSet dom = field(fields[2], "day-of-month", 1, 31, null);
    BitSet months = field(fields[3], "month", 1, 12, MONTHS);
    BitSet dow = field(fields[4], "day-of-week", 0, 7, DAYS);
    if (dow.get(7)) {
      dow.clear(7);
      dow.set(0);
    }
    return new CronSpec(
        text.trim(),
        minutes,
        hours,
        dom,
        months,
        dow,
        !fields[2].startsWith("*"),
        !fields[4].startsWith("*"));
  }

  private static BitSet field(String field, String what, int min, int max, String[] names) {
    BitSet bits = new BitSet(max + 1);
    for (String part : field.split(",", -1)) {
      if (part.isEmpty()) {
        throw bad(what, field, "empty list element");
      }
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), what, field, null, 1);
        if (step < 1) {
          throw bad(what, field, "step must be at least 1");
        }
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else {
        int dash = range.indexOf('-');
        if (dash > 0) {
          from = number(range.substring(0, dash), what, field, names, min);
          to = number(range.substring(dash + 1), what, field, names, min);
        } else {
          from = number(range, what, field, names, min);
          to = slash >= 0 ? max : from;
        }
      }
      if (from < min || to > max || from > to) {
        throw bad(
            what, field, "values must lie in " + min + "-" + max + " and ranges run low to high");
      }
      for (int v = from; v <= to; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String token, String what, String field, String[] names, int base) {
    if (names != null) {
      String lower = token.toLowerCase(Locale.ROOT);
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(lower)) {
          return i + (names == MONTHS ? 1 : 0);
        }
      }
    }
    if (token.isEmpty() || !token.chars().allMatch(Character::isDigit) || token.length() > 4) {
      throw bad(
          what, field, "\"" + token + "\" is not a number" + (names != null ? " or name" : ""));
    }
    return Integer.parseInt(token);
  }

  private static IllegalArgumentException bad(String what, String field, String why) {
    return new IllegalArgumentException("invalid " + what + " field \"" + field + "\": " + why);
  }

  @Override
  public String toString() {
    return text;
  }
}
