package org.zfleet.node.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The current rate of each running transfer, from the (time, bytes) samples its polls saw: bytes
 * per second over the last few seconds (a step reports its bytes about once a second, so shorter
 * windows jump between 0 and twice the rate), the average since it began until then. Time comes in
 * as an argument; not thread-safe (the monitor actor alone feeds it).
 */
final class TransferRates {

  static final Duration WINDOW = Duration.ofSeconds(5);

  private record Sample(long millis, long bytes, long sinceMillis) {}

  private final Map<String, ArrayDeque<Sample>> samples = new HashMap<>();

  /** Records a sample of the transfer {@code key} that began at {@code since}; returns its rate. */
  double rate(String key, long bytes, Instant since, Instant now) {
    ArrayDeque<Sample> window = samples.computeIfAbsent(key, k -> new ArrayDeque<>());
    if (!window.isEmpty() && window.peekLast().sinceMillis() != since.toEpochMilli()) {
      window.clear(); // a new transfer under the same key
    }
    long millis = now.toEpochMilli();
    window.addLast(new Sample(millis, bytes, since.toEpochMilli()));
    while (window.size() > 2 && millis - window.peekFirst().millis() > WINDOW.toMillis()) {
      window.removeFirst();
    }
    Sample oldest = window.peekFirst();
    if (millis - oldest.millis() >= WINDOW.toMillis() / 2) {
      return Math.max(0, (bytes - oldest.bytes()) * 1000.0 / (millis - oldest.millis()));
    }
    double seconds = Math.max(0.001, Duration.between(since, now).toMillis() / 1000.0);
    return bytes / seconds;
  }

  /** Forgets the transfers that are not running any more. */
  void retain(Set<String> live) {
    samples.keySet().retainAll(live);
  }

  int tracked() {
    return samples.size();
  }
}
