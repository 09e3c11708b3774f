package org.zfleet.job;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A step's progress as the watchdog sees it: a counter that only grows while the step moves (bytes
 * copied, snapshots destroyed, phases entered), and a phase for the status view. Written by the
 * step's worker thread, read by the watchdog and the status view; hence atomic and volatile.
 */
public final class StepProgress {

  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong events = new AtomicLong();
  private volatile String phase = "starting";
  private volatile long expectedBytes = -1;

  /** Adds {@code n} bytes moved. */
  public void addBytes(long n) {
    if (n > 0) {
      bytes.addAndGet(n);
    }
  }

  /** Enters a new phase; counts as progress. */
  public void phase(String name) {
    phase = name;
    events.incrementAndGet();
  }

  /** One unit of work done that moves no bytes (a snapshot destroyed, a hold released). */
  public void tick() {
    events.incrementAndGet();
  }

  public void expectBytes(long total) {
    expectedBytes = total;
  }

  public long bytes() {
    return bytes.get();
  }

  public String phase() {
    return phase;
  }

  /** -1 when unknown. */
  public long expectedBytes() {
    return expectedBytes;
  }

  /** Grows whenever the step does anything; the watchdog compares it between checks. */
  public long counter() {
    return bytes.get() + events.get();
  }
}
