package org.zfleet.node.web;

import java.util.Optional;
import org.zfleet.node.daemon.ControlToken;

/**
 * Decides whether a request may read the status page's data ({@code /api/*}). Bound beyond a
 * loopback address, the page's data is the control API's to give: a request must carry the {@link
 * ControlToken} ({@code Authorization: Bearer <token>}, which the page sends when it was opened
 * with {@code #token=<token>}).
 */
@FunctionalInterface
public interface PageAccess {

  /**
   * @param bearerToken the request's bearer token, if it sent one
   */
  boolean permits(Optional<String> bearerToken);

  /**
   * Everyone when the management port is bound to a loopback address (only this host's users reach
   * it, and the data is read-only); otherwise only a request that carries {@code token}.
   */
  static PageAccess loopbackOrToken(String bindHost, ControlToken token) {
    if (isLoopback(bindHost)) {
      return bearer -> true;
    }
    return bearer -> token.admits(bearer.map(t -> "Bearer " + t));
  }

  static boolean isLoopback(String host) {
    return host.equals("localhost")
        || host.startsWith("127.")
        || host.equals("::1")
        || host.equals("[::1]")
        || host.equals("0:0:0:0:0:0:0:1");
  }
}
