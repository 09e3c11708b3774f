package org.zfleet.job;

import java.time.Duration;

/** Durations as operators read them: 90s, 5m, 1h30m. */
public final class Durations {
  private Durations() {}

  public static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    long s = d.toSeconds();
    StringBuilder out = new StringBuilder();
    long h = s / 3600;
    long m = (s % 3600) / 60;
    long sec = s % 60;
    if (h > 0) {
      out.append(h).append('h');
    }
    if (m > 0) {
      out.append(m).append('m');
    }
    if (sec > 0 || out.length() == 0) {
      out.append(sec).append('s');
    }
    return out.toString();
  }
}
