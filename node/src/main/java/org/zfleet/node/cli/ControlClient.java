package org.zfleet.node.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.zfleet.config.ZfleetConfig;

/** Talks to a running daemon's local control API (127.0.0.1, the configured control port). */
final class ControlClient {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final int port;

  ControlClient(ZfleetConfig config) {
    this.port = config.node().control().port();
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET().timeout(Duration.ofSeconds(10)).build());
  }

  /** As {@link #get}, empty when no daemon listens. */
  java.util.Optional<HttpResponse<String>> getIfRunning(String path)
      throws IOException, InterruptedException {
    try {
      return java.util.Optional.of(
          http.send(
              HttpRequest.newBuilder(uri(path)).GET().timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString()));
    } catch (ConnectException e) {
      return java.util.Optional.empty();
    }
  }

  HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new IOException(
          "no zfleet daemon answers on 127.0.0.1:"
              + port
              + " (is `zfleet daemon` running with this configuration?)");
    }
  }
}
