package org.zfleet.node.cluster;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One warning per minute for refusals that repeat: Artery resends an unacknowledged system message
 * every second for hours, and each resend is refused again.
 */
final class RefusalLog {

  private static final long MINUTE = 60_000_000_000L;

  private final Logger log;
  private final AtomicLong lastWarned = new AtomicLong(System.nanoTime() - 2 * MINUTE);
  private final AtomicLong suppressed = new AtomicLong();

  RefusalLog(Logger log) {
    this.log = log;
  }

  void warn(String what) {
    long now = System.nanoTime();
    long last = lastWarned.get();
    if (now - last >= MINUTE && lastWarned.compareAndSet(last, now)) {
      long more = suppressed.getAndSet(0);
      log.warn(
          "{}{}", what, more == 0 ? "" : " (and " + more + " more refused in the last minute)");
    } else {
      suppressed.incrementAndGet();
    }
  }
}
