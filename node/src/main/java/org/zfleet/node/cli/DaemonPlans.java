package org.zfleet.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.zfleet.config.JobConfig;
import org.zfleet.config.PullJob;
import org.zfleet.config.PushJob;
import org.zfleet.config.SinkJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.node.daemon.Json;

/**
 * The dry runs' way to the running daemon's last plan of a job: a sink or source on another node
 * can only be listed by a daemon in the cluster, so for a job with such a peer (or with {@code
 * --daemon}) {@code zfleet test plan} and {@code test prune} print what the daemon's planner last
 * returned, rendered by the same code.
 */
final class DaemonPlans {

  /** The daemon's answer: its rendered output and whether it shows a problem. */
  record Answer(String output, boolean problem, String listedAt) {}

  private DaemonPlans() {}

  /**
   * The job's peers this command cannot list from here: a push's sinks that this configuration does
   * not define (they run on other nodes), a pull's source.
   */
  static List<String> remotePeers(ZfleetConfig config, JobConfig job) {
    List<String> remote = new ArrayList<>();
    if (job instanceof PullJob pull) {
      remote.add(pull.source());
    } else if (job instanceof PushJob push) {
      for (String sink : push.sinks()) {
        if (config.job(sink).filter(j -> j instanceof SinkJob).isEmpty()) {
          remote.add(sink);
        }
      }
    }
    return remote;
  }

  /**
   * Asks the daemon of {@code config} for its last plan of {@code job}, rendered as {@code view}
   * (plan, sender, receiver); empty when no daemon answers.
   */
  static Optional<Answer> fetch(ZfleetConfig config, String job, String view, boolean json)
      throws IOException, InterruptedException {
    var response =
        new ControlClient(config)
            .getIfRunning(
                "/jobs/"
                    + URLEncoder.encode(job, StandardCharsets.UTF_8).replace("+", "%20")
                    + "/plan?view="
                    + view
                    + "&json="
                    + json);
    if (response.isEmpty()) {
      return Optional.empty();
    }
    JsonNode body = Json.mapper().readTree(response.get().body());
    if (response.get().statusCode() != 200) {
      throw new IllegalArgumentException(
          "the daemon has no plan of job "
              + job
              + ": "
              + body.path("message").asText(response.get().body()));
    }
    return Optional.of(
        new Answer(
            body.path("output").asText(),
            body.path("problem").asBoolean(),
            body.path("listedAt").isNull() ? "" : body.path("listedAt").asText()));
  }

  /** Prints the daemon's answer (the source on stderr, so stdout stays the plan itself). */
  static int print(Answer answer, String job, PrintWriter out, PrintWriter err) {
    err.println(
        "the running daemon's last plan of job "
            + job
            + (answer.listedAt().isEmpty()
                ? " (not listed yet)"
                : ", listed at " + answer.listedAt()));
    out.print(answer.output());
    out.flush();
    return answer.problem() ? ZfleetCommand.EXIT_FAILED : ZfleetCommand.EXIT_OK;
  }

  /** Why a peer on another node cannot be planned without the daemon. */
  static String needsDaemon(ZfleetConfig config, String what) {
    return what
        + " is on another node: its plan needs the running daemon, and none answers on 127.0.0.1:"
        + config.node().control().port()
        + " (start zfleet daemon with this configuration, or run the dry run where it runs)";
  }
}
