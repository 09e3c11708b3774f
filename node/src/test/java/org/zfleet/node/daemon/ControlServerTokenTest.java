package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every route of the control API, over real HTTP: without the control token, or with another, the
 * answer is 401 and the guardian is never asked (no signal, plan or status leaves the server).
 */
class ControlServerTokenTest {

  private static final ActorTestKit kit = ActorTestKit.create();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ControlToken TOKEN = ControlToken.random();
  private static TestProbe<NodeGuardian.Command> guardian;
  private static ServerBinding binding;

  @BeforeAll
  static void bind() throws Exception {
    guardian = kit.createTestProbe();
    binding =
        new ControlServer(kit.system(), guardian.ref(), TOKEN)
            .bind("127.0.0.1", 0)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static HttpResponse<String> send(String method, String path, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "GET, /alive",
    "GET, /status",
    "GET, /monitor",
    "POST, /jobs/daily/wakeup",
    "POST, /jobs/daily/reset",
    "GET, /jobs/daily/plan",
    "GET, /jobs/daily/plan?view=sender&json=true",
    "GET, /no/such/route",
  })
  void withoutTheTokenEveryRouteAnswers401AndAsksNothing(String method, String path)
      throws Exception {
    HttpResponse<String> none = send(method, path, null);
    HttpResponse<String> wrong = send(method, path, "Bearer " + "0".repeat(64));
    HttpResponse<String> basic = send(method, path, "Basic cm9vdDpyb290");

    for (HttpResponse<String> refused : java.util.List.of(none, wrong, basic)) {
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    }
    guardian.expectNoMessage(Duration.ofMillis(200));
  }

  @org.junit.jupiter.api.Test
  void withTheTokenTheRouteIsServed() throws Exception {
    HttpResponse<String> alive = send("GET", "/alive", TOKEN.header());

    assertThat(alive.statusCode()).isEqualTo(200);
    assertThat(alive.body()).isEqualTo("ok\n");
  }

  @org.junit.jupiter.api.Test
  void withTheTokenASignalReachesTheGuardian() throws Exception {
    java.util.concurrent.CompletableFuture<HttpResponse<String>> reset =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return send("POST", "/jobs/daily/reset", TOKEN.header());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });

    NodeGuardian.Reset asked = guardian.expectMessageClass(NodeGuardian.Reset.class);
    assertThat(asked.job()).isEqualTo("daily");
    asked.replyTo().tell(new NodeGuardian.WakeupResult("daily", true, "reset job daily"));
    assertThat(reset.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
  }
}
