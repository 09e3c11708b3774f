package org.zfleet.zfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Drains a process's stderr to its end, keeping only the first {@code limit} bytes: a process that
 * writes more than a pipe holds (64 KiB) must never block on it, and an error report needs the
 * beginning, not megabytes.
 */
final class BoundedCapture {

  private final int limit;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private long dropped;

  private BoundedCapture(int limit) {
    this.limit = limit;
  }

  static BoundedCapture start(InputStream in, int limit, Executor executor) {
    BoundedCapture capture = new BoundedCapture(limit);
    executor.execute(() -> capture.drain(in));
    return capture;
  }

  private void drain(InputStream in) {
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        append(buffer, n);
      }
    } catch (IOException e) {
      // The stream closes when the process is killed; what was read so far is the report.
    } finally {
      done.complete(null);
    }
  }

  private synchronized void append(byte[] buffer, int n) {
    int keep = Math.max(0, Math.min(n, limit - kept.size()));
    kept.write(buffer, 0, keep);
    dropped += n - keep;
  }

  /** What was captured so far. */
  synchronized String text() {
    String text = kept.toString(StandardCharsets.UTF_8);
    return dropped == 0 ? text : text + "\n... (" + dropped + " more bytes of stderr dropped)";
  }

  /** Waits up to {@code wait} for the end of the stream, then returns what was captured. */
  String awaitText(Duration wait) {
    try {
      done.get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // A descendant may keep the pipe open after the process died: report what we have.
    }
    return text();
  }
}
