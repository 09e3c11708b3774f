package org.zfleet.config;

import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Text forms of configuration values: durations, byte rates, key paths and near-miss hints. */
final class Values {

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern AMOUNT =
      Pattern.compile("\\s*(-?\\d+(?:\\.\\d+)?)\\s*([A-Za-z/]*)\\s*");

  private Values() {}

  /** A key as it appears in a path: bare if simple, otherwise quoted like HOCON. */
  static String quoteKey(String key) {
    return PLAIN_KEY.matcher(key).matches() ? key : quote(key);
  }

  /** {@code text} in double quotes with JSON escapes, valid in HOCON. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /**
   * Parses a duration such as {@code 10m}, {@code 90s}, {@code 1.5h} or {@code 2 days}. Units: ms,
   * s, m, h, d, w (and their long names). A bare number is refused: its unit would be a guess.
   */
  static Duration parseDuration(String text) {
    Matcher m = AMOUNT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a duration such as 30s, 10m, 1h or 7d");
    }
    String unit = m.group(2).toLowerCase(Locale.ROOT);
    if (unit.isEmpty()) {
      throw new IllegalArgumentException(
          "\""
              + text.trim()
              + "\" has no unit; write e.g. "
              + text.trim()
              + "s or "
              + text.trim()
              + "m");
    }
    long millisPerUnit =
        switch (unit) {
          case "ms", "milli", "millis", "millisecond", "milliseconds" -> 1L;
          case "s", "second", "seconds" -> 1_000L;
          case "m", "minute", "minutes" -> 60_000L;
          case "h", "hour", "hours" -> 3_600_000L;
          case "d", "day", "days" -> 86_400_000L;
          case "w", "week", "weeks" -> 7 * 86_400_000L;
          default ->
              throw new IllegalArgumentException(
                  "unknown unit \""
                      + m.group(2)
                      + "\" in \""
                      + text.trim()
                      + "\" (use ms, s, m, h, d or w)");
        };
    BigDecimal millis = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(millisPerUnit));
    if (millis.signum() <= 0) {
      throw new IllegalArgumentException("must be positive, got " + text.trim());
    }
    if (millis.compareTo(BigDecimal.valueOf(3650L * 86_400_000L)) > 0) {
      throw new IllegalArgumentException("\"" + text.trim() + "\" is longer than ten years");
    }
    return Duration.ofMillis(millis.longValue());
  }

  /** A duration in the largest unit that states it exactly, e.g. {@code 90m}, {@code 2d}. */
  static String formatDuration(Duration d) {
    long ms = d.toMillis();
    long[] sizes = {7 * 86_400_000L, 86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] units = {"w", "d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms % sizes[i] == 0) {
        return ms / sizes[i] + units[i];
      }
    }
    return ms + "ms";
  }

  /**
   * Parses a bandwidth such as {@code 50 MiB/s}, {@code 10M} or {@code 1.5 GB}, in bytes per
   * second. KiB, MiB, GiB, TiB and the bare K, M, G, T are powers of 1024; KB, MB, GB, TB of 1000.
   */
  static long parseByteRate(String text) {
    Matcher m = AMOUNT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("\"" + text + "\" is not a rate such as 50 MiB/s");
    }
    String unit = m.group(2);
    if (unit.endsWith("/s")) {
      unit = unit.substring(0, unit.length() - 2);
    }
    long factor =
        switch (unit) {
          case "", "B" -> 1L;
          case "K", "k", "KiB" -> 1L << 10;
          case "M", "MiB" -> 1L << 20;
          case "G", "GiB" -> 1L << 30;
          case "T", "TiB" -> 1L << 40;
          case "KB", "kB" -> 1_000L;
          case "MB" -> 1_000_000L;
          case "GB" -> 1_000_000_000L;
          case "TB" -> 1_000_000_000_000L;
          default ->
              throw new IllegalArgumentException(
                  "unknown unit \""
                      + m.group(2)
                      + "\" in \""
                      + text.trim()
                      + "\" (use B, KiB, MiB, GiB, KB, MB, GB)");
        };
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(factor));
    // The byte path's lowest limit (BandwidthLimit.MIN_BYTES_PER_SECOND): every rate accepted here
    // must work in a transfer.
    if (bytes.compareTo(BigDecimal.valueOf(1024)) < 0) {
      throw new IllegalArgumentException("must be at least 1 KiB/s, got " + text.trim());
    }
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 2)) > 0) {
      throw new IllegalArgumentException("\"" + text.trim() + "\" is too large");
    }
    return bytes.longValue();
  }

  /** How a value type is named in messages. */
  static String typeName(ConfigValueType type) {
    return switch (type) {
      case OBJECT -> "an object";
      case LIST -> "a list";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case STRING -> "a string";
    };
  }

  /**
   * The candidate {@code word} was most likely meant to be: the same up to case and {@code _}
   * versus {@code -} (zrepl spells keys with {@code _}), or within a small edit distance.
   */
  static Optional<String> closest(String word, Collection<String> candidates) {
    String normal = normalize(word);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance =
          normalize(candidate).equals(normal) ? 0 : distance(normal, normalize(candidate));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    int allowed = Math.max(1, Math.min(3, word.length() / 3));
    return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  private static String normalize(String word) {
    return word.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Levenshtein distance with adjacent transpositions counted as one edit. */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
