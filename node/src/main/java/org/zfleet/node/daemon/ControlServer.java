package org.zfleet.node.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.zfleet.node.restore.RemoteRestores;

/**
 * The daemon's local control API on 127.0.0.1, used by {@code zfleet signal} and {@code zfleet
 * status}: {@code GET /status}, {@code POST /jobs/NAME/wakeup}, {@code POST /jobs/NAME/reset},
 * {@code GET /jobs/NAME/plan?view=plan|sender|receiver&json=BOOL} (the job's last plan, printed as
 * {@code zfleet test plan} and {@code test prune} print it), {@code GET /alive}, {@code GET
 * /monitor}, and {@code GET /backups}, {@code POST /restore} ({@link BackupRoutes}). Every request
 * carries the {@link ControlToken}; one that does not is answered 401 and reaches nothing.
 */
public final class ControlServer extends AllDirectives {

  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final ActorRef<NodeGuardian.Command> guardian;
  private final ControlToken token;
  private final ObjectMapper json = Json.mapper();
  private final BackupRoutes backups;

  public ControlServer(
      ActorSystem<?> system, ActorRef<NodeGuardian.Command> guardian, ControlToken token) {
    this(system, guardian, token, Optional.empty(), Runnable::run);
  }

  /**
   * @param restores this node's backups on other nodes, in a cluster
   * @param blocking where listings and restores run
   */
  public ControlServer(
      ActorSystem<?> system,
      ActorRef<NodeGuardian.Command> guardian,
      ControlToken token,
      Optional<RemoteRestores> restores,
      Executor blocking) {
    this.system = system;
    this.guardian = guardian;
    this.token = token;
    this.backups = new BackupRoutes(system, restores, blocking);
  }

  public CompletionStage<ServerBinding> bind(String host, int port) {
    return Http.get(system).newServerAt(host, port).bind(routes());
  }

  Route routes() {
    return authorized(this::endpoints);
  }

  /** Runs {@code inner} only for a request that carries the token; 401 for any other. */
  private Route authorized(java.util.function.Supplier<Route> inner) {
    return optionalHeaderValueByName(
        "Authorization",
        authorization -> {
          if (token.admits(authorization)) {
            return inner.get();
          }
          return complete(
              HttpResponse.create()
                  .withStatus(StatusCodes.UNAUTHORIZED)
                  .addHeader(HttpHeader.parse("WWW-Authenticate", "Bearer"))
                  .withEntity("the control token is missing or wrong (zfleet reads it as root)\n"));
        });
  }

  private Route endpoints() {
    return concat(
        path("alive", () -> get(() -> complete("ok\n"))),
        backups.routes(),
        path(
            "status",
            () ->
                get(
                    () -> {
                      CompletionStage<NodeGuardian.NodeStatus> status =
                          AskPattern.ask(
                              guardian,
                              NodeGuardian.GetStatus::new,
                              ASK_TIMEOUT,
                              system.scheduler());
                      return onSuccess(status, s -> completeOK(s, Jackson.marshaller(json)));
                    })),
        pathPrefix("jobs", () -> pathPrefix(job -> path("wakeup", () -> post(() -> wakeup(job))))),
        pathPrefix("jobs", () -> pathPrefix(job -> path("reset", () -> post(() -> reset(job))))),
        pathPrefix(
            "jobs",
            () ->
                pathPrefix(
                    job ->
                        path(
                            "plan",
                            () ->
                                get(
                                    () ->
                                        parameterOptional(
                                            "view",
                                            view ->
                                                parameterOptional(
                                                    "json", js -> plan(job, view, js))))))),
        // Freshness, transfers, failures and certificates (zfleet status, zfleet check freshness).
        path(
            "monitor",
            () ->
                get(
                    () ->
                        org.zfleet.node.health.MonitorExtension.get(system)
                            .monitor()
                            .map(m -> completeOK(m.snapshot(), Jackson.marshaller(json)))
                            .orElseGet(
                                () -> complete(StatusCodes.SERVICE_UNAVAILABLE, "starting\n")))));
  }

  /**
   * The daemon's last plan of a job, as {@code zfleet test plan} or {@code test prune} prints it.
   */
  public record PlanAnswer(
      String job, java.util.Optional<java.time.Instant> listedAt, boolean problem, String output) {}

  private Route plan(String job, java.util.Optional<String> view, java.util.Optional<String> js) {
    PlanReport.View which =
        switch (view.orElse("plan")) {
          case "sender" -> PlanReport.View.PRUNE_SENDER;
          case "receiver" -> PlanReport.View.PRUNE_RECEIVER;
          default -> PlanReport.View.PLAN;
        };
    boolean json = js.map(Boolean::parseBoolean).orElse(false);
    CompletionStage<NodeGuardian.PlanResult> result =
        AskPattern.ask(
            guardian,
            replyTo -> new NodeGuardian.GetPlan(job, replyTo),
            ASK_TIMEOUT,
            system.scheduler());
    return onSuccess(
        result,
        r -> {
          if (r.plan().isEmpty()) {
            return complete(
                StatusCodes.NOT_FOUND,
                new NodeGuardian.WakeupResult(job, false, r.message()),
                Jackson.marshaller(json()));
          }
          PlanReport.Output out = PlanReport.render(r.plan().get().cycles(), which, json);
          return completeOK(
              new PlanAnswer(job, r.plan().get().listedAt(), out.problem(), out.text()),
              Jackson.marshaller(json()));
        });
  }

  private ObjectMapper json() {
    return json;
  }

  private Route reset(String job) {
    CompletionStage<NodeGuardian.WakeupResult> result =
        AskPattern.ask(
            guardian,
            replyTo -> new NodeGuardian.Reset(job, replyTo),
            ASK_TIMEOUT,
            system.scheduler());
    return onSuccess(
        result,
        r ->
            complete(
                r.accepted() ? StatusCodes.ACCEPTED : StatusCodes.NOT_FOUND,
                r,
                Jackson.marshaller(json)));
  }

  private Route wakeup(String job) {
    CompletionStage<NodeGuardian.WakeupResult> result =
        AskPattern.ask(
            guardian,
            replyTo -> new NodeGuardian.Wakeup(job, replyTo),
            ASK_TIMEOUT,
            system.scheduler());
    return onSuccess(
        result,
        r ->
            complete(
                r.accepted() ? StatusCodes.ACCEPTED : StatusCodes.NOT_FOUND,
                r,
                Jackson.marshaller(json)));
  }
}
