package org.zfleet.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The transfer texts of {@code zfleet status}: a running step's phase and progress (bytes done of
 * expected, rate, ETA), its progress bar, and the transfers other nodes asked of this one; each
 * from the monitor's transfer when it has one. Pure: the time comes in.
 */
final class TransferLines {

  private final Instant now;
  private final Map<String, JsonNode> transfers = new HashMap<>();
  private final Map<String, JsonNode> peerTransfers = new HashMap<>();

  TransferLines(Optional<JsonNode> monitor, Instant now) {
    this.now = now;
    monitor.ifPresent(
        m -> {
          for (JsonNode t : m.path("transfers")) {
            transfers.put(
                StatusView.key(
                    t.path("job").asText(),
                    t.path("filesystem").asText(),
                    t.path("destination").asText()),
                t);
          }
          for (JsonNode t : m.path("peerTransfers")) {
            peerTransfers.put(peerKey(t), t);
          }
        });
  }

  /**
   * {@code sending, 1.2 GiB of 4.0 GiB at 80.0 MiB/s, ETA 35s}: a running step's phase and
   * progress.
   */
  String running(String job, String filesystem, JsonNode running) {
    return running.path("phase").asText() + progress(running, transfer(job, filesystem, running));
  }

  /** The running step's progress bar, when the monitor knows how much it sends. */
  Optional<String> bar(String job, String filesystem, JsonNode running) {
    JsonNode t = transfer(job, filesystem, running);
    if (t == null || t.path("expectedBytes").asLong(-1) <= 0) {
      return Optional.empty();
    }
    return Optional.of(bar(t.path("bytes").asLong(), t.path("expectedBytes").asLong(), 40));
  }

  private JsonNode transfer(String job, String filesystem, JsonNode running) {
    return transfers.get(StatusView.key(job, filesystem, running.path("destination").asText()));
  }

  /**
   * {@code incoming from alpha backup/alpha/data: receiving, 1.0 GiB at 80.0 MiB/s (job sink)}: the
   * rate from the monitor when it has the transfer.
   */
  String peerTransfer(JsonNode t) {
    String direction = t.path("direction").asText();
    JsonNode rated = peerTransfers.get(peerKey(t));
    long bytes =
        Math.max(t.path("bytes").asLong(), rated == null ? 0 : rated.path("bytes").asLong());
    return direction
        + (direction.equals("incoming") ? " from " : " to ")
        + t.path("peer").asText()
        + " "
        + t.path("dataset").asText()
        + ": "
        + t.path("phase").asText()
        + ", "
        + Bytes.human(bytes)
        + (rated == null
            ? ""
            : " at " + Bytes.human((long) rated.path("bytesPerSecond").asDouble()) + "/s")
        + " (job "
        + t.path("job").asText()
        + ")";
  }

  private static String peerKey(JsonNode t) {
    return t.path("direction").asText()
        + "\u0000"
        + t.path("peer").asText()
        + "\u0000"
        + t.path("dataset").asText();
  }

  /**
   * {@code , 1.2 GiB of ~4.0 GiB (estimated) at 80.0 MiB/s, ETA 35s} (or {@code , 3.0 MiB, size
   * unknown at 4.0 MiB/s} before the size is known): from the monitor's transfer when there is one,
   * else bytes and the average rate since the step began.
   */
  String progress(JsonNode running, JsonNode transfer) {
    long bytes = running.path("bytes").asLong();
    if (transfer == null) {
      if (bytes <= 0) {
        return "";
      }
      Instant since = Instant.parse(running.path("since").asText());
      double seconds = Math.max(0.001, Duration.between(since, now).toMillis() / 1000.0);
      return ", " + Bytes.human(bytes) + " at " + Bytes.human((long) (bytes / seconds)) + "/s";
    }
    bytes = Math.max(bytes, transfer.path("bytes").asLong());
    long expected = transfer.path("expectedBytes").asLong(-1);
    boolean estimated = transfer.path("estimated").asBoolean();
    StringBuilder s = new StringBuilder(", ").append(Bytes.human(bytes));
    if (expected > 0) {
      s.append(" of ")
          .append(estimated ? "~" : "")
          .append(Bytes.human(expected))
          .append(estimated ? " (estimated)" : "");
    } else {
      // Not estimated yet (or it could not be): said, never shown as a full bar.
      s.append(", size unknown");
    }
    s.append(" at ")
        .append(Bytes.human((long) transfer.path("bytesPerSecond").asDouble()))
        .append("/s");
    if (transfer.hasNonNull("etaSeconds")) {
      s.append(", ETA ")
          .append(Ages.human(Duration.ofSeconds(transfer.path("etaSeconds").asLong())));
    }
    return s.toString();
  }

  /** {@code [##########..........] 50%}. */
  static String bar(long done, long total, int width) {
    double fraction = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
    int filled = (int) Math.round(fraction * width);
    return "["
        + "#".repeat(filled)
        + ".".repeat(width - filled)
        + "] "
        + String.format(Locale.ROOT, "%3d%%", Math.round(fraction * 100));
  }
}
