package org.zfleet.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.zfleet.node.daemon.ControlToken;
import org.zfleet.node.health.FreshnessBoard;
import org.zfleet.node.health.NodeMonitor;
import org.zfleet.node.metrics.NodeMetrics;

/**
 * The status page's data over real HTTP: with the management port bound beyond loopback a request
 * needs the control token (401 without it or with another), on loopback it does not.
 */
class StatusPageAccessTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static ActorSystem<Void> system;
  private static final ControlToken TOKEN = ControlToken.random();

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "status-page-access");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /** Serves the page as configured for {@code bindHost}; the test reaches it on 127.0.0.1. */
  private static ServerBinding serve(String bindHost) throws Exception {
    NodeMonitor monitor =
        new NodeMonitor(
            "web-node",
            Map.of(),
            Map.of(),
            new FreshnessBoard(),
            new NodeMetrics("web-node", 10),
            List.of(),
            Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC));
    StatusPage page = new StatusPage(monitor, PageAccess.loopbackOrToken(bindHost, TOKEN));
    return Http.get(system)
        .newServerAt("127.0.0.1", 0)
        .bind(page.routes())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> get(ServerBinding binding, String path, String auth)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path));
    if (auth != null) {
      request.header("Authorization", auth);
    }
    return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void boundBeyondLoopbackTheDataNeedsTheControlToken() throws Exception {
    ServerBinding binding = serve("0.0.0.0");
    try {
      HttpResponse<String> none = get(binding, "/api/status", null);
      HttpResponse<String> wrong = get(binding, "/api/status", "Bearer 0000");
      HttpResponse<String> right = get(binding, "/api/status", TOKEN.header());

      assertThat(none.statusCode()).as(none.body()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
      assertThat(none.body()).doesNotContain("web-node");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
      assertThat(right.body()).contains("\"node\":\"web-node\"");
      // The page itself holds no data: it asks for the token in its address.
      assertThat(get(binding, "/", null).statusCode()).isEqualTo(200);
    } finally {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void onALoopbackAddressOnlyLocalUsersReachTheDataAndNeedNoToken() throws Exception {
    ServerBinding binding = serve("127.0.0.1");
    try {
      HttpResponse<String> none = get(binding, "/api/status", null);
      assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
      assertThat(none.body()).contains("\"node\":\"web-node\"");
    } finally {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
