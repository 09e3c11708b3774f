package org.zfleet.transfer;

import java.time.Duration;

/**
 * A progress report: bytes moved so far, time since the transfer started, and the rate since the
 * previous report. {@code finished} marks the last report of a stream that ended cleanly.
 */
public record TransferProgress(
    long bytes, Duration elapsed, long bytesPerSecond, boolean finished) {
  public TransferProgress {
    if (bytes < 0 || bytesPerSecond < 0) {
      throw new IllegalArgumentException("negative progress");
    }
  }
}
