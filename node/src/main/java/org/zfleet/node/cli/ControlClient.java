package org.zfleet.node.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.node.daemon.ControlToken;

/**
 * Talks to a running daemon's local control API (127.0.0.1, the configured control port), carrying
 * the control token of the configuration's data-dir.
 */
final class ControlClient {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final int port;
  private final Path dataDir;

  ControlClient(ZfleetConfig config) {
    this.port = config.node().control().port();
    this.dataDir = config.node().dataDir();
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(request(path).GET().build());
  }

  /**
   * As {@link #get}, empty when no daemon listens (or none ever started with this data-dir: it
   * makes the token file at start).
   */
  java.util.Optional<HttpResponse<String>> getIfRunning(String path)
      throws IOException, InterruptedException {
    if (!Files.exists(dataDir.resolve(ControlToken.FILE))) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(
          http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()));
    } catch (ConnectException e) {
      return java.util.Optional.empty();
    }
  }

  /** As {@link #get}, waiting up to {@code timeout} for the answer (a question to other nodes). */
  HttpResponse<String> get(String path, Duration timeout) throws IOException, InterruptedException {
    return send(request(path).timeout(timeout).GET().build());
  }

  /** A POST whose answer is read line by line as the daemon writes it (a restore's report). */
  HttpResponse<java.util.stream.Stream<String>> postForLines(String path)
      throws IOException, InterruptedException {
    HttpRequest request =
        request(path)
            .timeout(Duration.ofMinutes(5))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofLines());
    } catch (ConnectException e) {
      throw new IOException(noDaemon());
    }
  }

  HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  private HttpRequest.Builder request(String path) throws IOException {
    return HttpRequest.newBuilder(uri(path))
        .header("Authorization", ControlToken.load(dataDir).header())
        .timeout(Duration.ofSeconds(10));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new IOException(noDaemon());
    }
  }

  private String noDaemon() {
    return "no zfleet daemon answers on 127.0.0.1:"
        + port
        + " (is `zfleet daemon` running with this configuration?)";
  }
}
