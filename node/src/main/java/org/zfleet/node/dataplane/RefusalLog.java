package org.zfleet.node.dataplane;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs connections refused over a bound once a minute per address, with how many there were, so
 * that a flood of connections does not flood the log.
 */
final class RefusalLog {

  private static final Logger log = LoggerFactory.getLogger(DataPlaneServer.class);

  private final Map<InetAddress, long[]> seen = new ConcurrentHashMap<>();

  void refused(InetAddress from, String why) {
    long now = System.nanoTime();
    long[] entry = seen.computeIfAbsent(from, a -> new long[] {now - 120_000_000_000L, 0});
    synchronized (entry) {
      entry[1]++;
      if (now - entry[0] >= 60_000_000_000L) {
        log.warn(
            "data plane: refused {} connection(s) from {}: {}",
            entry[1],
            from.getHostAddress(),
            why);
        entry[0] = now;
        entry[1] = 0;
      }
    }
    if (seen.size() > 10_000) {
      seen.clear();
    }
  }
}
