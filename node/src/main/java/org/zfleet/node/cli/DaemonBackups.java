package org.zfleet.node.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.node.restore.BackupsJson;
import org.zfleet.transfer.TransferProgress;

/**
 * {@code zfleet backups list --node N} and {@code zfleet restore --node N}: the command line asks
 * the running daemon of this node, which asks node N's sinks over the data plane (as {@code zfleet
 * test plan} reaches sinks on other nodes through the daemon).
 */
final class DaemonBackups {

  /** Longer than a listing of every sink asked (each may take minutes on a large sink). */
  private static final Duration LIST_TIMEOUT = Duration.ofMinutes(10);

  private DaemonBackups() {}

  static BackupsJson.Listing list(
      ZfleetConfig config, String node, Optional<String> client, List<String> sinks)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        new ControlClient(config).get("/backups?" + query(node, client, sinks), LIST_TIMEOUT);
    if (response.statusCode() != 200) {
      throw new IllegalArgumentException(response.body().strip());
    }
    return BackupsJson.MAPPER.readValue(response.body(), BackupsJson.Listing.class);
  }

  /** Runs the restore in the daemon, printing its report; the command's exit code. */
  static int restore(
      ZfleetConfig config,
      String node,
      String name,
      Optional<String> client,
      List<String> sinks,
      String to,
      PrintWriter out,
      PrintWriter err)
      throws IOException, InterruptedException {
    String path =
        "/restore?" + query(node, client, sinks) + "&name=" + encode(name) + "&to=" + encode(to);
    HttpResponse<Stream<String>> response = new ControlClient(config).postForLines(path);
    ProgressPrinter progress = new ProgressPrinter(err, System.console() != null);
    try (Stream<String> lines = response.body()) {
      if (response.statusCode() != 200) {
        err.println("zfleet: " + String.join(" ", lines.toList()).strip());
        return ZfleetCommand.EXIT_FAILED;
      }
      for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
        BackupsJson.Event event = BackupsJson.MAPPER.readValue(it.next(), BackupsJson.Event.class);
        if (event.line() != null) {
          progress.end();
          out.println(event.line());
          out.flush();
        } else if (event.problem() != null) {
          progress.end();
          err.println("zfleet: " + event.problem());
        } else if (event.bytes() != null) {
          progress.onProgress(
              new TransferProgress(
                  event.bytes(),
                  Duration.ofMillis(event.millis()),
                  event.rate() == null ? 0 : event.rate(),
                  false));
        } else if (event.ok() != null) {
          progress.end();
          return event.ok() ? ZfleetCommand.EXIT_OK : ZfleetCommand.EXIT_FAILED;
        }
      }
    }
    progress.end();
    err.println("zfleet: the daemon stopped answering before the restore ended (see its log)");
    return ZfleetCommand.EXIT_FAILED;
  }

  private static String query(String node, Optional<String> client, List<String> sinks) {
    List<String> parts = new ArrayList<>();
    parts.add("node=" + encode(node));
    client.ifPresent(c -> parts.add("client=" + encode(c)));
    sinks.forEach(s -> parts.add("sink=" + encode(s)));
    return String.join("&", parts);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
