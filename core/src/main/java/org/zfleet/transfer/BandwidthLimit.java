package org.zfleet.transfer;

import java.util.function.LongSupplier;

/**
 * A token bucket of bytes: filled at {@code bytesPerSecond}, holding at most a tenth of a second's
 * worth, which every transfer drawing from it empties. A caller reserves the bytes of a chunk and
 * waits the time it is told before passing them on; reservations beyond the bucket's content are
 * debts later callers wait for too, so however many transfers share one bucket they move at most
 * the limit together (plus one bucketful).
 *
 * <p>Any rate from 1 KiB/s up works alike (Pekko's throttle refuses rates above one unit per
 * nanosecond, and counts in {@code int}); the arithmetic is in doubles, exact enough for rates and
 * waits of any size a configuration can name.
 */
public final class BandwidthLimit {

  /** The lowest limit accepted, in bytes per second. */
  public static final long MIN_BYTES_PER_SECOND = 1024;

  private static final double NANOS_PER_SECOND = 1e9;

  private final long bytesPerSecond;
  private final double capacity;
  private final LongSupplier nanoTime;
  private double tokens;
  private long lastNanos;

  private BandwidthLimit(long bytesPerSecond, LongSupplier nanoTime) {
    if (bytesPerSecond < MIN_BYTES_PER_SECOND) {
      throw new IllegalArgumentException(
          "bandwidth limit " + bytesPerSecond + " B/s is below 1 KiB/s");
    }
    this.bytesPerSecond = bytesPerSecond;
    // A tenth of a second: the scheduler's timers fire on 10 ms ticks, and the time a late timer
    // loses must still be in the bucket when it fires.
    this.capacity = Math.max(MIN_BYTES_PER_SECOND, bytesPerSecond / 10.0);
    this.nanoTime = nanoTime;
    this.tokens = capacity;
    this.lastNanos = nanoTime.getAsLong();
  }

  /** A full bucket for {@code bytesPerSecond}, on the JVM's monotonic clock. */
  public static BandwidthLimit of(long bytesPerSecond) {
    return new BandwidthLimit(bytesPerSecond, System::nanoTime);
  }

  /** A full bucket on the given monotonic clock (nanoseconds), for tests. */
  static BandwidthLimit of(long bytesPerSecond, LongSupplier nanoTime) {
    return new BandwidthLimit(bytesPerSecond, nanoTime);
  }

  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /**
   * Takes {@code bytes} from the bucket and returns how many nanoseconds the caller waits before it
   * passes them on: 0 if the bucket held them, otherwise the time the bucket needs to pay its debt.
   */
  public synchronized long reserveNanos(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("cannot reserve " + bytes + " bytes");
    }
    long now = nanoTime.getAsLong();
    long elapsed = Math.max(0, now - lastNanos);
    lastNanos = Math.max(lastNanos, now);
    tokens = Math.min(capacity, tokens + elapsed * bytesPerSecond / NANOS_PER_SECOND);
    tokens -= bytes;
    if (tokens >= 0) {
      return 0;
    }
    return (long) Math.ceil(-tokens * NANOS_PER_SECOND / bytesPerSecond);
  }

  @Override
  public String toString() {
    return "BandwidthLimit[" + bytesPerSecond + " B/s]";
  }
}
