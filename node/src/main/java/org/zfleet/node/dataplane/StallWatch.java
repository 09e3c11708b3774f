package org.zfleet.node.dataplane;

import java.time.Duration;

/**
 * Decides when a transfer has stalled: its byte count has not moved for the idle timeout. Pure: the
 * caller samples the bytes and the time (nanoseconds of a monotonic clock) on each check.
 */
final class StallWatch {

  private final long idleNanos;
  private long lastBytes;
  private long lastMoved;

  StallWatch(Duration idle, long bytes, long now) {
    this.idleNanos = idle.toNanos();
    this.lastBytes = bytes;
    this.lastMoved = now;
  }

  /** How often to check: a tenth of the idle timeout, between 100 ms and 30 s. */
  static Duration checkEvery(Duration idle) {
    return Duration.ofMillis(Math.max(100, Math.min(30_000, idle.toMillis() / 10)));
  }

  /** Records a sample; true if the bytes have not moved for the idle timeout. */
  synchronized boolean stalled(long bytes, long now) {
    if (bytes != lastBytes) {
      lastBytes = bytes;
      lastMoved = now;
      return false;
    }
    return now - lastMoved >= idleNanos;
  }
}
