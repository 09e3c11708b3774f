package org.zfleet.job;

import java.time.Duration;

/**
 * Exponential retry backoff: {@code min}, doubling per consecutive failure, capped at {@code max}.
 */
public record Backoff(Duration min, Duration max) {
  public Backoff {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < min <= max, got " + min + " and " + max);
    }
  }

  /** The wait after {@code failures} consecutive failures (1 = the first). */
  public Duration after(int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    Duration d = min;
    for (int i = 1; i < failures && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }
}
