package org.zfleet.node.cli;

import java.time.Duration;
import java.time.Instant;

/** Times as people read them in a terminal: "3m ago", "in 4m", "2h5m". */
final class Ages {
  private Ages() {}

  /** A coarse duration: seconds under a minute, then minutes, hours and minutes, days and hours. */
  static String human(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m";
    }
    if (s < 86400) {
      long m = (s / 60) % 60;
      return s / 3600 + "h" + (m == 0 ? "" : m + "m");
    }
    long h = (s / 3600) % 24;
    return s / 86400 + "d" + (h == 0 ? "" : h + "h");
  }

  /** "3m ago", or "in 3m" for a time still to come. */
  static String relative(Instant at, Instant now) {
    return at.isAfter(now)
        ? "in " + human(Duration.between(now, at))
        : human(Duration.between(at, now)) + " ago";
  }

  /** {@link #relative} of an ISO-8601 text; the text itself if it is not one. */
  static String relative(String iso, Instant now) {
    try {
      return relative(Instant.parse(iso), now);
    } catch (java.time.format.DateTimeParseException e) {
      return iso;
    }
  }
}
