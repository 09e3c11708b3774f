package org.zfleet.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parser for zrepl's retention grid: terms {@code N x DURATION(keep=K|all)} joined by {@code |},
 * e.g. {@code 1x1h(keep=all) | 24x1h | 30x1d}. Units are s, m, h, d and w; without {@code (keep=…)}
 * a bucket keeps one snapshot.
 */
public final class GridSpec {

  private static final Pattern TERM =
      Pattern.compile("(\\d+)\\s*[xX]\\s*(\\d*)\\s*([A-Za-z]*)\\s*(?:\\((.*)\\))?");
  private static final Pattern KEEP = Pattern.compile("\\s*keep\\s*=\\s*(\\S*?)\\s*");
  private static final int MAX_DIGITS = 6;

  private GridSpec() {}

  /** The intervals of {@code spec}; throws {@link IllegalArgumentException} naming the bad term. */
  public static List<KeepRule.GridInterval> parse(String spec) {
    if (spec.isBlank()) {
      throw new IllegalArgumentException(
          "empty grid; expected e.g. \"1x1h(keep=all) | 24x1h | 30x1d\"");
    }
    List<KeepRule.GridInterval> out = new ArrayList<>();
    for (String raw : spec.split("\\|", -1)) {
      String term = raw.trim();
      if (term.isEmpty()) {
        throw new IllegalArgumentException("empty term between '|' in \"" + spec.trim() + "\"");
      }
      out.add(term(term));
    }
    return List.copyOf(out);
  }

  /** A grid keep rule from {@code spec} and the regex that selects the snapshots it considers. */
  public static KeepRule.Grid rule(String spec, Pattern regex) {
    return new KeepRule.Grid(parse(spec), regex, spec.trim());
  }

  private static KeepRule.GridInterval term(String term) {
    Matcher m = TERM.matcher(term);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\"" + term + "\" is not N x DURATION(keep=K|all), e.g. 24x1h or 1x1h(keep=all)");
    }
    int count = number(m.group(1), "count", term);
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1 in \"" + term + "\"");
    }
    if (m.group(2).isEmpty()) {
      throw new IllegalArgumentException("missing duration after 'x' in \"" + term + "\"");
    }
    long amount = number(m.group(2), "duration", term);
    if (amount < 1) {
      throw new IllegalArgumentException("duration must be positive in \"" + term + "\"");
    }
    String unit = m.group(3);
    if (unit.isEmpty()) {
      throw new IllegalArgumentException("missing unit (s, m, h, d or w) in \"" + term + "\"");
    }
    Duration length =
        switch (unit) {
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          case "d" -> Duration.ofDays(amount);
          case "w" -> Duration.ofDays(7 * amount);
          default ->
              throw new IllegalArgumentException(
                  "unknown unit \"" + unit + "\" in \"" + term + "\"");
        };
    OptionalInt keep = OptionalInt.of(1);
    if (m.group(4) != null) {
      Matcher k = KEEP.matcher(m.group(4));
      if (!k.matches()) {
        throw new IllegalArgumentException("expected (keep=K) or (keep=all) in \"" + term + "\"");
      }
      String value = k.group(1);
      if (value.equals("all")) {
        keep = OptionalInt.empty();
      } else if (!value.isEmpty()
          && value.chars().allMatch(Character::isDigit)
          && value.length() <= MAX_DIGITS
          && Integer.parseInt(value) >= 1) {
        keep = OptionalInt.of(Integer.parseInt(value));
      } else {
        throw new IllegalArgumentException(
            "keep must be a positive number or all, got \"" + value + "\" in \"" + term + "\"");
      }
    }
    return new KeepRule.GridInterval(count, length, keep);
  }

  private static int number(String digits, String what, String term) {
    if (digits.length() > MAX_DIGITS) {
      throw new IllegalArgumentException(what + " " + digits + " is too large in \"" + term + "\"");
    }
    return Integer.parseInt(digits);
  }
}
