package org.zfleet.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading zrepl's YAML values: maps, strings, Go durations, and names zfleet accepts. */
final class Yamls {

  private static final Pattern GO_DURATION_PART =
      Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private Yamls() {}

  /** {@code value} as a mapping with string keys; empty if it is not one. */
  static Map<String, Object> map(Object value) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> out.put(String.valueOf(k), v));
    }
    return out;
  }

  static List<?> list(Object value) {
    return value instanceof List<?> list ? list : List.of();
  }

  static Optional<String> string(Object value) {
    return value == null || value instanceof Map || value instanceof List
        ? Optional.empty()
        : Optional.of(String.valueOf(value));
  }

  /**
   * A Go duration ({@code 10m}, {@code 1h30m}, {@code 500ms}) as zfleet writes it ({@code 90m});
   * zfleet's own day and week units are accepted too. Empty if it is neither.
   */
  static Optional<String> duration(Object value) {
    Optional<String> text = string(value);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String s = text.get().trim();
    Matcher m = GO_DURATION_PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long unit =
          switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
          };
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
      end = m.end();
    }
    if (end == s.length() && end > 0) {
      long millis =
          nanos.divide(BigDecimal.valueOf(1_000_000L), java.math.RoundingMode.CEILING).longValue();
      return millis > 0
          ? Optional.of(Values.formatDuration(Duration.ofMillis(millis)))
          : Optional.empty();
    }
    try {
      return Optional.of(Values.formatDuration(Values.parseDuration(s)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** {@code name} changed as little as possible into a valid zfleet job or node name. */
  static String name(String name) {
    StringBuilder out = new StringBuilder();
    for (char c : name.toCharArray()) {
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || c == '.'
              || c == ':';
      out.append(ok ? c : '_');
    }
    if (out.length() == 0 || !Character.isLetterOrDigit(out.charAt(0))) {
      out.insert(0, 'j');
    }
    return out.length() > JobConfig.MAX_NAME_LENGTH
        ? out.substring(0, JobConfig.MAX_NAME_LENGTH)
        : out.toString();
  }
}
