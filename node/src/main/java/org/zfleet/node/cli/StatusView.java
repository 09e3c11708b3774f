package org.zfleet.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Renders {@code zfleet status} from the daemon's {@code /status} and {@code /monitor} answers: per
 * job a summary line, per filesystem its running step (with bytes done of expected, rate, ETA and,
 * with {@code bars}, a progress bar), each destination's replica age and the last outcome of each
 * step with human times; then the transfers other nodes asked of this one (incoming into a sink,
 * outgoing from a source) with their peer, and a {@code PROBLEM} line for each binding problem the
 * node found (another node offering a job's sink, ...). Pure: the time comes in.
 */
final class StatusView {

  private final JsonNode status;
  private final Optional<JsonNode> monitor;
  private final Instant now;
  private final boolean bars;
  private final Map<String, JsonNode> replicas = new HashMap<>();
  private final TransferLines transfers;

  StatusView(JsonNode status, Optional<JsonNode> monitor, Instant now, boolean bars) {
    this.status = status;
    this.monitor = monitor;
    this.now = now;
    this.bars = bars;
    this.transfers = new TransferLines(monitor, now);
    monitor.ifPresent(
        m -> {
          for (JsonNode r : m.path("replicas")) {
            replicas.put(
                key(
                    r.path("job").asText(),
                    r.path("filesystem").asText(),
                    r.path("destination").asText()),
                r);
          }
        });
  }

  /**
   * Prints the view of {@code onlyJob} (or every job); false if any last step did not succeed or
   * the node reports a problem.
   */
  boolean print(PrintWriter out, Optional<String> onlyJob) {
    boolean healthy = true;
    out.println("node " + status.path("node").asText());
    monitor.ifPresent(m -> certificates(m, out));
    for (JsonNode job : status.path("jobs")) {
      String name = job.path("job").asText();
      if (onlyJob.isPresent() && !onlyJob.get().equals(name)) {
        continue;
      }
      out.println(summary(job));
      for (JsonNode fs : job.path("filesystems")) {
        healthy &= filesystem(name, fs, out);
      }
    }
    for (JsonNode passive : status.path("passiveJobs")) {
      if (onlyJob.isEmpty() || onlyJob.get().equals(passive.asText())) {
        out.println("job " + passive.asText() + ": passive (serves its peers)");
      }
    }
    for (JsonNode t : status.path("peerTransfers")) {
      if (onlyJob.isEmpty() || onlyJob.get().equals(t.path("job").asText())) {
        out.println(transfers.peerTransfer(t));
      }
    }
    for (JsonNode problem : status.path("problems")) {
      healthy = false;
      out.println("PROBLEM " + problem.asText());
    }
    return healthy;
  }

  private void certificates(JsonNode m, PrintWriter out) {
    for (JsonNode c : m.path("certificates")) {
      String level = c.path("level").asText();
      String when = Ages.relative(c.path("notAfter").asText(), now);
      if (level.equals("ok")) {
        out.printf("certificate %s expires %s%n", c.path("name").asText(), when);
      } else {
        out.printf(
            "certificate %s: %s, expires %s (%s)%n",
            c.path("name").asText(),
            level.equals("critical") ? "EXPIRED" : "WARNING",
            when,
            c.path("path").asText());
      }
    }
  }

  /**
   * {@code job push: idle, cycle 3, 12 filesystems (1 running, 1 failed), oldest replica 3m, next
   * snapshot in 4m}.
   */
  String summary(JsonNode job) {
    int filesystems = 0;
    int running = 0;
    int failed = 0;
    for (JsonNode fs : job.path("filesystems")) {
      filesystems++;
      if (fs.hasNonNull("running")) {
        running++;
      }
      for (JsonNode o : fs.path("lastOutcomes")) {
        if (!o.path("ok").asBoolean() && !o.path("waiting").asBoolean()) {
          failed++;
          break;
        }
      }
    }
    String name = job.path("job").asText();
    long oldest = -1;
    int stale = 0;
    for (JsonNode r : replicas.values()) {
      if (r.path("job").asText().equals(name)) {
        oldest = Math.max(oldest, r.path("ageSeconds").asLong(-1));
        if (!r.path("freshness").asText().equals("ok")) {
          stale++;
        }
      }
    }
    StringBuilder s =
        new StringBuilder("job ")
            .append(name)
            .append(": ")
            .append(job.path("phase").asText())
            .append(", cycle ")
            .append(job.path("cycle").asLong())
            .append(", ")
            .append(filesystems)
            .append(" filesystem(s)");
    if (running + failed > 0) {
      s.append(" (").append(running).append(" running, ").append(failed).append(" failed)");
    }
    if (oldest >= 0) {
      s.append(", oldest replica ").append(Ages.human(Duration.ofSeconds(oldest)));
      if (stale > 0) {
        s.append(" (").append(stale).append(" not fresh)");
      }
    }
    if (job.hasNonNull("nextSnapshot")) {
      s.append(", next snapshot ").append(Ages.relative(job.path("nextSnapshot").asText(), now));
    }
    if (job.hasNonNull("lastError")) {
      s.append(", last error: ").append(job.path("lastError").asText());
    }
    return s.toString();
  }

  private boolean filesystem(String job, JsonNode fs, PrintWriter out) {
    boolean healthy = true;
    String name = fs.path("filesystem").asText();
    out.println("  " + name);
    if (fs.hasNonNull("running")) {
      JsonNode r = fs.path("running");
      out.println("    running " + stepName(r) + ": " + transfers.running(job, name, r));
      if (bars) {
        transfers.bar(job, name, r).ifPresent(bar -> out.println("    " + bar));
      }
    }
    for (JsonNode o : fs.path("lastOutcomes")) {
      boolean ok = o.path("ok").asBoolean();
      healthy &= ok;
      String label =
          ok
              ? "ok"
              : o.path("stalled").asBoolean()
                  ? "STALLED"
                  : o.path("waiting").asBoolean() ? "waiting" : "FAILED";
      out.printf(
          "    %-7s %s: %s (%s)%s%n",
          label,
          stepName(o),
          o.path("summary").asText(),
          Ages.relative(o.path("at").asText(), now),
          replicaAge(job, name, o));
    }
    for (JsonNode retry : fs.path("retries")) {
      out.printf(
          "    retry   replicate %s after %d failure(s), %s%n",
          retry.path("destination").asText(),
          retry.path("consecutiveFailures").asInt(),
          "next " + Ages.relative(retry.path("notBefore").asText(), now));
    }
    return healthy;
  }

  /** For a replicate outcome: {@code ; replica 3m old (ok)}. */
  private String replicaAge(String job, String fs, JsonNode outcome) {
    if (!outcome.path("kind").asText().equals("REPLICATE")) {
      return "";
    }
    JsonNode r = replicas.get(key(job, fs, outcome.path("destination").asText()));
    if (r == null || r.path("ageSeconds").isNull() || r.path("ageSeconds").isMissingNode()) {
      return "";
    }
    return "; replica "
        + Ages.human(Duration.ofSeconds(r.path("ageSeconds").asLong()))
        + " old ("
        + r.path("freshness").asText()
        + ")";
  }

  static String stepName(JsonNode step) {
    String kind = step.path("kind").asText().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    String dest = step.path("destination").asText();
    return dest.isEmpty() ? kind : kind + " to " + dest;
  }

  static String key(String job, String fs, String dest) {
    return job + "\u0000" + fs + "\u0000" + dest;
  }
}
