package org.zfleet.node.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.zfleet.config.HostPort;
import org.zfleet.node.daemon.Json;
import org.zfleet.node.web.StatusPage;

/**
 * The management port, in every mode: {@code /alive}, {@code /ready} (503 with the reasons until
 * ZFS answers, the jobs run and, in a cluster, the node is an Up member; again while it stops),
 * {@code /health/backups} (503 while a replica is past its job's critical age, a step's last
 * attempt failed or a certificate expired; the JSON body says which), {@code /metrics} (Prometheus
 * text format), the status page, and in a cluster Pekko Management's read-only {@code /cluster/*}
 * routes.
 */
public final class ManagementServer extends AllDirectives {

  static final ContentType PROMETHEUS_TEXT =
      ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

  private final ActorSystem<?> system;
  private final NodeMonitor monitor;
  private final StatusPage page;
  private final Optional<Route> cluster;
  private final ObjectMapper json = Json.mapper();

  public ManagementServer(
      ActorSystem<?> system, NodeMonitor monitor, StatusPage page, Optional<Route> cluster) {
    this.system = system;
    this.monitor = monitor;
    this.page = page;
    this.cluster = cluster;
  }

  public CompletionStage<ServerBinding> bind(HostPort at) {
    return Http.get(system).newServerAt(at.host(), at.port()).bind(routes());
  }

  public Route routes() {
    Route own =
        concat(
            path("alive", () -> get(() -> complete("ok\n"))),
            path("ready", () -> get(this::ready)),
            pathPrefix("health", () -> path("backups", () -> get(this::backups))),
            path(
                "metrics",
                () ->
                    get(
                        () ->
                            complete(
                                StatusCodes.OK,
                                HttpEntities.create(
                                    PROMETHEUS_TEXT,
                                    monitor
                                        .metrics()
                                        .scrape()
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))))),
            page.routes());
    return cluster.map(c -> concat(own, c)).orElse(own);
  }

  private Route ready() {
    var reasons = monitor.notReady();
    return complete(
        reasons.isEmpty() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
        Map.of("ready", reasons.isEmpty(), "reasons", reasons),
        Jackson.marshaller(json));
  }

  private Route backups() {
    MonitorViews.BackupHealth health = monitor.backups();
    return complete(
        health.healthy() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
        health,
        Jackson.marshaller(json));
  }
}
