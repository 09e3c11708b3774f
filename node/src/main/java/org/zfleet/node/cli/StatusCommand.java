package org.zfleet.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.zfleet.node.WallClock;
import org.zfleet.node.daemon.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zfleet status}: what the running daemon's jobs and filesystems are doing, with progress,
 * replica ages and certificate expiry; {@code --watch} refreshes it with progress bars.
 */
@Command(
    name = "status",
    description =
        "Show the running daemon's jobs, each filesystem's last steps, replica ages and progress.")
final class StatusCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      defaultValue = ConfigFiles.DEFAULT_CONFIG,
      paramLabel = "FILE",
      description = "The daemon's configuration (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(names = "--json", description = "Print the daemon's status as JSON (for scripts).")
  boolean json;

  @Option(names = "--job", paramLabel = "JOB", description = "Only this job.")
  String job;

  @Option(
      names = "--watch",
      description = "Refresh the view every 2 seconds, with progress bars, until interrupted.")
  boolean watch;

  @Override
  public Integer call() throws Exception {
    var loaded = ConfigFiles.loadValid(config, spec.commandLine().getErr());
    ControlClient client = new ControlClient(ConfigFiles.configOf(loaded));
    PrintWriter out = spec.commandLine().getOut();
    while (true) {
      var response = client.get("/status");
      if (response.statusCode() != 200) {
        spec.commandLine()
            .getErr()
            .println(
                "zfleet: the daemon answered " + response.statusCode() + ": " + response.body());
        return ZfleetCommand.EXIT_FAILED;
      }
      if (json) {
        out.println(job == null ? response.body() : onlyJob(response.body(), job));
        return ZfleetCommand.EXIT_OK;
      }
      JsonNode status = Json.mapper().readTree(response.body());
      Optional<JsonNode> monitor = monitor(client);
      StringWriter text = new StringWriter();
      boolean healthy =
          new StatusView(status, monitor, WallClock.clock().instant(), watch)
              .print(new PrintWriter(text, true), Optional.ofNullable(job));
      if (!watch) {
        out.print(text);
        out.flush();
        return healthy ? ZfleetCommand.EXIT_OK : ZfleetCommand.EXIT_FAILED;
      }
      // Home, draw, clear what is left of the previous frame.
      out.print("\033[H" + text.toString().replace("\n", "\033[K\n") + "\033[J");
      out.flush();
      Thread.sleep(Duration.ofSeconds(2).toMillis());
    }
  }

  /** The monitor's view, or empty from a daemon that has none (older, or still starting). */
  private static Optional<JsonNode> monitor(ControlClient client) {
    try {
      var response = client.get("/monitor");
      return response.statusCode() == 200
          ? Optional.of(Json.mapper().readTree(response.body()))
          : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** The status JSON with only {@code job} in its job lists; every field as the daemon wrote it. */
  static String onlyJob(String body, String job) throws Exception {
    ObjectNode status = (ObjectNode) Json.mapper().readTree(body);
    ArrayNode jobs = Json.mapper().createArrayNode();
    status
        .path("jobs")
        .forEach(
            j -> {
              if (j.path("job").asText().equals(job)) {
                jobs.add(j);
              }
            });
    ArrayNode passive = Json.mapper().createArrayNode();
    status
        .path("passiveJobs")
        .forEach(
            p -> {
              if (p.asText().equals(job)) {
                passive.add(p);
              }
            });
    ArrayNode peers = Json.mapper().createArrayNode();
    status
        .path("peerTransfers")
        .forEach(
            t -> {
              if (t.path("job").asText().equals(job)) {
                peers.add(t);
              }
            });
    status.set("jobs", jobs);
    status.set("passiveJobs", passive);
    if (status.has("peerTransfers")) {
      status.set("peerTransfers", peers);
    }
    return Json.mapper().writeValueAsString(status);
  }
}
