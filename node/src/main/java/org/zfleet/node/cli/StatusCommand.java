package org.zfleet.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.zfleet.node.daemon.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zfleet status}: what the running daemon's jobs and filesystems are doing, with progress.
 */
@Command(
    name = "status",
    description = "Show the running daemon's jobs, each filesystem's last steps, and progress.")
final class StatusCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The daemon's configuration.")
  Path config;

  @Option(names = "--json", description = "Print the status as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    var loaded = ConfigFiles.loadValid(config, spec.commandLine().getErr());
    var response = new ControlClient(ConfigFiles.configOf(loaded)).get("/status");
    if (response.statusCode() != 200) {
      spec.commandLine()
          .getErr()
          .println("zfleet: the daemon answered " + response.statusCode() + ": " + response.body());
      return ZfleetCommand.EXIT_FAILED;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(response.body());
      return ZfleetCommand.EXIT_OK;
    }
    JsonNode status = Json.mapper().readTree(response.body());
    boolean healthy = print(status, out, Instant.now());
    return healthy ? ZfleetCommand.EXIT_OK : ZfleetCommand.EXIT_FAILED;
  }

  /** Prints the status; false if any filesystem's last step failed. */
  static boolean print(JsonNode status, PrintWriter out, Instant now) {
    boolean healthy = true;
    out.println("node " + status.path("node").asText());
    for (JsonNode job : status.path("jobs")) {
      out.printf(
          "job %s: %s, cycle %d%s%s%n",
          job.path("job").asText(),
          job.path("phase").asText(),
          job.path("cycle").asLong(),
          job.hasNonNull("nextSnapshot")
              ? ", next snapshot " + job.path("nextSnapshot").asText()
              : "",
          job.hasNonNull("lastError") ? ", last error: " + job.path("lastError").asText() : "");
      for (JsonNode fs : job.path("filesystems")) {
        out.println("  " + fs.path("filesystem").asText());
        if (fs.hasNonNull("running")) {
          JsonNode r = fs.path("running");
          out.println(
              "    running " + stepName(r) + ": " + r.path("phase").asText() + progress(r, now));
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
              "    %-7s %s: %s (%s)%n",
              label, stepName(o), o.path("summary").asText(), o.path("at").asText());
        }
        for (JsonNode retry : fs.path("retries")) {
          out.printf(
              "    retry   replicate %s after %d failure(s), not before %s%n",
              retry.path("destination").asText(),
              retry.path("consecutiveFailures").asInt(),
              retry.path("notBefore").asText());
        }
      }
    }
    for (JsonNode passive : status.path("passiveJobs")) {
      out.println("job " + passive.asText() + ": passive (serves its peers)");
    }
    for (JsonNode t : status.path("peerTransfers")) {
      out.printf(
          "%s %s %s %s: %s, %s%n",
          t.path("direction").asText(),
          t.path("direction").asText().equals("incoming") ? "from" : "to",
          t.path("peer").asText(),
          t.path("dataset").asText(),
          t.path("phase").asText(),
          Bytes.human(t.path("bytes").asLong()));
    }
    for (JsonNode problem : status.path("problems")) {
      healthy = false;
      out.println("PROBLEM " + problem.asText());
    }
    return healthy;
  }

  private static String stepName(JsonNode step) {
    String kind = step.path("kind").asText().toLowerCase().replace('_', '-');
    String dest = step.path("destination").asText();
    return dest.isEmpty() ? kind : kind + " to " + dest;
  }

  /** Bytes, rate and, when the size is known, an estimate of the time left. */
  static String progress(JsonNode running, Instant now) {
    long bytes = running.path("bytes").asLong();
    if (bytes <= 0) {
      return "";
    }
    Instant since = Instant.parse(running.path("since").asText());
    double seconds = Math.max(0.001, Duration.between(since, now).toMillis() / 1000.0);
    long rate = (long) (bytes / seconds);
    StringBuilder s =
        new StringBuilder(", " + Bytes.human(bytes) + " at " + Bytes.human(rate) + "/s");
    long expected = running.path("expectedBytes").asLong(-1);
    if (expected > 0 && rate > 0) {
      long left = Math.max(0, expected - bytes);
      s.append(" of ")
          .append(Bytes.human(expected))
          .append(", ETA ")
          .append(org.zfleet.job.Durations.human(Duration.ofSeconds(left / rate)));
    }
    return s.toString();
  }
}
