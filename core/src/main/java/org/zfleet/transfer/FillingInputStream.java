package org.zfleet.transfer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Reads until the caller's buffer is full, the stream ends, or {@code maxFill} has passed. Process
 * pipes return at most 64 KiB per read; whole chunks cost the stream fewer elements per byte. The
 * time bound keeps a trickling sender visible: without it a chunk could take longer to fill than
 * the stall timeout, and the watchdog would stop a transfer that is moving.
 */
final class FillingInputStream extends FilterInputStream {

  private final long maxFillNanos;

  FillingInputStream(InputStream in, Duration maxFill) {
    super(in);
    this.maxFillNanos = maxFill.toNanos();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    long start = System.nanoTime();
    int n = 0;
    while (n < len) {
      int r = in.read(b, off + n, len - n);
      if (r < 0) {
        break;
      }
      n += r;
      if (System.nanoTime() - start >= maxFillNanos) {
        break;
      }
    }
    return n == 0 && len > 0 ? -1 : n;
  }
}
