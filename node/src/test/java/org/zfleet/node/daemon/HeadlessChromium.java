package org.zfleet.node.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's chromium, headless and offline, driven over the Chrome DevTools Protocol with the JDK's
 * WebSocket client: navigate, evaluate JavaScript, take a screenshot.
 */
final class HeadlessChromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  static HeadlessChromium start(Path profile) throws Exception {
    Process process =
        new ProcessBuilder(
                List.of(
                    "chromium",
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-quic",
                    "--disable-dev-shm-usage",
                    "--user-data-dir=" + profile,
                    "--remote-debugging-address=127.0.0.1",
                    "--remote-debugging-port=0",
                    "--window-size=1280,900",
                    "about:blank"))
            .redirectErrorStream(true)
            .redirectOutput(profile.resolveSibling("chromium.log").toFile())
            .start();
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        process.destroyForcibly();
        throw new IllegalStateException("chromium did not open its DevTools port");
      }
      Thread.sleep(100);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
    HttpClient http = HttpClient.newHttpClient();
    JsonNode targets =
        JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String page = null;
    for (JsonNode t : targets) {
      if (t.path("type").asText().equals("page")) {
        page = t.path("webSocketDebuggerUrl").asText();
      }
    }
    if (page == null) {
      process.destroyForcibly();
      throw new IllegalStateException("chromium has no page target: " + targets);
    }
    HeadlessChromium[] self = new HeadlessChromium[1];
    StringBuilder partial = new StringBuilder();
    WebSocket socket =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(page),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                      self[0].received(partial.toString());
                      partial.setLength(0);
                    }
                    ws.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    self[0] = new HeadlessChromium(process, socket);
    return self[0];
  }

  private void received(String text) {
    try {
      JsonNode message = JSON.readTree(text);
      if (message.has("id")) {
        CompletableFuture<JsonNode> f = pending.remove(message.get("id").asInt());
        if (f != null) {
          f.complete(message);
        }
      }
    } catch (IOException e) {
      // events we do not read
    }
  }

  JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    ObjectNode request = JSON.createObjectNode().put("id", id).put("method", method);
    request.set("params", JSON.valueToTree(params));
    socket.sendText(JSON.writeValueAsString(request), true).get(10, TimeUnit.SECONDS);
    JsonNode answer = reply.get(30, TimeUnit.SECONDS);
    if (answer.has("error")) {
      throw new IllegalStateException(method + ": " + answer.get("error"));
    }
    return answer.path("result");
  }

  void navigate(String url) throws Exception {
    call("Page.enable", Map.of());
    call("Page.navigate", Map.of("url", url));
  }

  /** The value of a JavaScript expression (JSON-serialisable). */
  JsonNode evaluate(String expression) throws Exception {
    return call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true))
        .path("result")
        .path("value");
  }

  void screenshot(Path png) throws Exception {
    String data = call("Page.captureScreenshot", Map.of("format", "png")).path("data").asText();
    Files.createDirectories(png.getParent());
    Files.write(png, Base64.getDecoder().decode(data));
  }

  @Override
  public void close() {
    try {
      socket.abort();
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
