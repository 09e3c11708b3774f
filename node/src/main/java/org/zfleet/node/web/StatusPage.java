package org.zfleet.node.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.model.headers.OAuth2BearerToken;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.zfleet.node.daemon.Json;
import org.zfleet.node.health.NodeMonitor;

/**
 * The node's status page on the management port: {@code /} (plain HTML, JS and CSS shipped in the
 * jar under {@code org/zfleet/node/web/}) and its data, {@code /api/status} (jobs and filesystems,
 * freshness, running transfers, recent failures, certificates), which the page polls every second.
 * The data is behind {@link PageAccess}: a request it does not permit is answered 401.
 */
public final class StatusPage extends AllDirectives {

  private static final String RESOURCES = "org/zfleet/node/web/";

  private final NodeMonitor monitor;
  private final PageAccess access;
  private final ObjectMapper json = Json.mapper();

  public StatusPage(NodeMonitor monitor, PageAccess access) {
    this.monitor = monitor;
    this.access = access;
  }

  public Route routes() {
    return concat(
        pathSingleSlash(
            () ->
                get(() -> getFromResource(RESOURCES + "index.html", ContentTypes.TEXT_HTML_UTF8))),
        pathPrefix(
            "static",
            () ->
                concat(
                    path("app.js", () -> get(() -> getFromResource(RESOURCES + "app.js"))),
                    path("style.css", () -> get(() -> getFromResource(RESOURCES + "style.css"))))),
        pathPrefix(
            "api",
            () ->
                optionalHeaderValueByType(
                    Authorization.class,
                    auth -> {
                      Optional<String> token =
                          auth.map(Authorization::credentials)
                              .filter(c -> c instanceof OAuth2BearerToken)
                              .map(c -> ((OAuth2BearerToken) c).token());
                      if (!access.permits(token)) {
                        return complete(
                            HttpResponse.create()
                                .withStatus(StatusCodes.UNAUTHORIZED)
                                .addHeader(HttpHeader.parse("WWW-Authenticate", "Bearer"))
                                .withEntity(
                                    HttpEntities.create(
                                        ContentTypes.TEXT_PLAIN_UTF8,
                                        "the status page's data needs the control token here:"
                                            + " open the page as /#token=<the contents of"
                                            + " <data-dir>/control.token>\n")));
                      }
                      return path(
                          "status", () -> get(() -> completeOK(data(), Jackson.marshaller(json))));
                    })));
  }

  /** The guardian's last status and the monitor's view, as the page reads them. */
  Map<String, Object> data() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", monitor.status().orElse(null));
    out.put("monitor", monitor.snapshot());
    return out;
  }
}
