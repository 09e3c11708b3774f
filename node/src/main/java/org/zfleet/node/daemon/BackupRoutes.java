package org.zfleet.node.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.node.restore.BackupsJson;
import org.zfleet.node.restore.RemoteRestores;
import org.zfleet.node.restore.RestoreRun;
import org.zfleet.transfer.TransferProgress;

/**
 * The control API's backup routes, for the command line on this host: {@code GET
 * /backups?node=N[&client=C][&sink=S...]} (this node's replicas on node N's sinks, as JSON) and
 * {@code POST /restore?node=N&name=X&to=T[&client=C][&sink=S...]} (a restore from node N into T on
 * this node, its report streamed as one JSON event a line while it runs). The work runs on {@code
 * blocking}, never on a dispatcher; a restore goes on if the command line goes away.
 */
final class BackupRoutes extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(BackupRoutes.class);

  /** More than a restore's lines; progress beyond it (a reader that stalls) is dropped. */
  private static final int EVENTS = 4096;

  private static final java.time.Duration LISTING_TIMEOUT = java.time.Duration.ofMinutes(10);

  private final ActorSystem<?> system;
  private final Optional<RemoteRestores> restores;
  private final Executor blocking;

  BackupRoutes(ActorSystem<?> system, Optional<RemoteRestores> restores, Executor blocking) {
    this.system = system;
    this.restores = restores;
    this.blocking = blocking;
  }

  Route routes() {
    // A listing waits for every sink asked (each may take minutes); a restore answers at once.
    return withRequestTimeout(LISTING_TIMEOUT, this::paths);
  }

  private Route paths() {
    return concat(
        path(
            "backups",
            () ->
                get(
                    () ->
                        parameterList(
                            params -> ifCluster(remote -> list(remote, Params.of(params)))))),
        path(
            "restore",
            () ->
                post(
                    () ->
                        parameterList(
                            params -> ifCluster(remote -> restore(remote, Params.of(params)))))));
  }

  private Route ifCluster(java.util.function.Function<RemoteRestores, Route> inner) {
    return restores
        .map(inner)
        .orElseGet(
            () ->
                complete(
                    StatusCodes.CONFLICT,
                    "this node runs without a cluster (no seed nodes): it reaches no other node\n"));
  }

  private Route list(RemoteRestores remote, Params params) {
    if (params.node().isEmpty()) {
      return complete(StatusCodes.BAD_REQUEST, "no node given\n");
    }
    CompletableFuture<HttpResponse> answer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                BackupsJson.Listing listing =
                    remote.list(params.node().get(), params.client(), params.sinks());
                return HttpResponse.create()
                    .withEntity(ContentTypes.APPLICATION_JSON, write(listing));
              } catch (IllegalArgumentException e) {
                return HttpResponse.create()
                    .withStatus(StatusCodes.BAD_REQUEST)
                    .withEntity(e.getMessage() + "\n");
              }
            },
            blocking);
    return completeWithFuture(answer);
  }

  private Route restore(RemoteRestores remote, Params params) {
    if (params.node().isEmpty() || params.name().isEmpty() || params.to().isEmpty()) {
      return complete(StatusCodes.BAD_REQUEST, "node, name and to are needed\n");
    }
    Pair<BoundedSourceQueue<ByteString>, Source<ByteString, NotUsed>> queue =
        Source.<ByteString>queue(EVENTS).preMaterialize(system);
    BoundedSourceQueue<ByteString> events = queue.first();
    RestoreRun.Report report =
        new RestoreRun.Report() {
          @Override
          public void line(String text) {
            events.offer(event(BackupsJson.Event.line(text)));
          }

          @Override
          public void problem(String text) {
            events.offer(event(BackupsJson.Event.problem(text)));
          }

          @Override
          public void onProgress(TransferProgress p) {
            events.offer(
                event(
                    BackupsJson.Event.progress(
                        p.bytes(), p.elapsed().toMillis(), p.bytesPerSecond())));
          }
        };
    blocking.execute(
        () -> {
          boolean ok = false;
          try {
            ok =
                remote.restore(
                    params.node().get(),
                    params.name().get(),
                    params.client(),
                    params.sinks(),
                    params.to().get(),
                    report);
          } catch (IllegalArgumentException e) {
            report.problem(e.getMessage());
          } catch (RuntimeException e) {
            log.warn("restore failed: {}", e.toString());
            report.problem("the restore failed: " + e.getMessage());
          } finally {
            events.offer(event(BackupsJson.Event.end(ok)));
            events.complete();
          }
        });
    return complete(
        HttpResponse.create()
            .withEntity(HttpEntities.createChunked(ContentTypes.APPLICATION_JSON, queue.second())));
  }

  private static ByteString event(BackupsJson.Event event) {
    return ByteString.fromString(write(event) + "\n");
  }

  private static String write(Object value) {
    try {
      return BackupsJson.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The query's parameters; {@code sink} may repeat. */
  private record Params(
      Optional<String> node,
      Optional<String> name,
      Optional<String> to,
      Optional<String> client,
      List<String> sinks) {
    static Params of(List<java.util.Map.Entry<String, String>> params) {
      return new Params(
          first(params, "node"),
          first(params, "name"),
          first(params, "to"),
          first(params, "client"),
          params.stream().filter(e -> e.getKey().equals("sink")).map(e -> e.getValue()).toList());
    }

    private static Optional<String> first(
        List<java.util.Map.Entry<String, String>> params, String key) {
      return params.stream()
          .filter(e -> e.getKey().equals(key) && !e.getValue().isEmpty())
          .map(java.util.Map.Entry::getValue)
          .findFirst();
    }
  }
}
