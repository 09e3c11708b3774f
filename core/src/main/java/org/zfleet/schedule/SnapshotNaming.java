package org.zfleet.schedule;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import org.zfleet.model.SnapshotName;

/**
 * The names one job gives its snapshots: {@code <prefix><UTC timestamp>}, e.g. {@code
 * zfleet_20261128T133219Z}.
 *
 * <p>The timestamp is basic ISO 8601 ({@code yyyyMMdd'T'HHmmss'Z'}): fixed width, so names of one
 * prefix sort as time; no colons; always UTC, so daylight-saving changes of the local zone never
 * reorder or duplicate names.
 */
public record SnapshotNaming(String prefix) {

  /** The timestamp format, as a {@link DateTimeFormatter} pattern. */
  public static final String TIMESTAMP_PATTERN = "yyyyMMdd'T'HHmmss'Z'";

  /** Characters of the timestamp part of every name. */
  public static final int TIMESTAMP_LENGTH = 16;

  // 'uuuu' rather than 'yyyy': STRICT resolution needs the proleptic year, not year-of-era.
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC)
          .withResolverStyle(ResolverStyle.STRICT);

  private static final int MIN_YEAR = 0;
  private static final int MAX_YEAR = 9999;

  public SnapshotNaming {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("a snapshot prefix must not be empty");
    }
    String problem = SnapshotName.shortNameProblem(prefix);
    if (problem != null) {
      throw new IllegalArgumentException("invalid snapshot prefix \"" + prefix + "\": " + problem);
    }
  }

  /** The name of a snapshot taken at {@code at} (truncated to the second). */
  public String name(Instant at) {
    Instant second = at.truncatedTo(ChronoUnit.SECONDS);
    int year = LocalDateTime.ofInstant(second, ZoneOffset.UTC).getYear();
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw new IllegalArgumentException(
          "cannot name a snapshot at " + at + ": the timestamp has room for years 0000 to 9999");
    }
    return prefix + FORMAT.format(second);
  }

  /** True if {@code name} begins with this prefix (whether or not the rest parses). */
  public boolean hasPrefix(String name) {
    return name.startsWith(prefix);
  }

  /** Reads a snapshot name back: its timestamp, another prefix, or why it does not parse. */
  public Parsed parse(String name) {
    Objects.requireNonNull(name, "name");
    if (!hasPrefix(name)) {
      return new Parsed.OtherPrefix();
    }
    String stamp = name.substring(prefix.length());
    if (stamp.length() != TIMESTAMP_LENGTH || !hasTimestampShape(stamp)) {
      return new Parsed.Malformed(
          "\"" + name + "\" is not " + prefix + TIMESTAMP_PATTERN.replace("'", ""));
    }
    try {
      // Read by position: the shape is checked above, and a formatter's parse costs most of a
      // large listing's pruning (10 microseconds a name). LocalDateTime.of refuses what STRICT
      // resolution refuses (month 13, February 30, hour 24).
      LocalDateTime at =
          LocalDateTime.of(
              digits(stamp, 0, 4),
              digits(stamp, 4, 6),
              digits(stamp, 6, 8),
              digits(stamp, 9, 11),
              digits(stamp, 11, 13),
              digits(stamp, 13, 15));
      return new Parsed.Timestamped(at.toInstant(ZoneOffset.UTC));
    } catch (DateTimeException e) {
      return new Parsed.Malformed("\"" + name + "\" has no such UTC time: " + stamp);
    }
  }

  private static int digits(String stamp, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      value = value * 10 + (stamp.charAt(i) - '0');
    }
    return value;
  }

  // The formatter alone would also accept signs and wider years; the shape check keeps the width.
  private static boolean hasTimestampShape(String stamp) {
    for (int i = 0; i < TIMESTAMP_LENGTH; i++) {
      char c = stamp.charAt(i);
      boolean ok =
          switch (i) {
            case 8 -> c == 'T';
            case 15 -> c == 'Z';
            default -> c >= '0' && c <= '9';
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** What a snapshot name says, read with one job's naming. */
  public sealed interface Parsed {

    /** A name this job gives: its timestamp. */
    record Timestamped(Instant timestamp) implements Parsed {
      public Timestamped {
        Objects.requireNonNull(timestamp, "timestamp");
      }
    }

    /** A name without this job's prefix: someone else's snapshot. */
    record OtherPrefix() implements Parsed {}

    /** A name with this job's prefix whose timestamp does not parse; {@code problem} says why. */
    record Malformed(String problem) implements Parsed {
      public Malformed {
        Objects.requireNonNull(problem, "problem");
      }
    }
  }
}
