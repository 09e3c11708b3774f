package org.zfleet.transfer;

import java.time.Duration;
import java.util.Objects;

/** A transfer that ended with both the sending and the receiving side successful. */
public record TransferResult(long bytes, Duration duration) {
  public TransferResult {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative byte count");
    }
    Objects.requireNonNull(duration, "duration");
  }

  /** Average rate over the whole transfer, in bytes per second. */
  public long bytesPerSecond() {
    long nanos = Math.max(1, duration.toNanos());
    return (long) (bytes * 1e9 / nanos);
  }
}
