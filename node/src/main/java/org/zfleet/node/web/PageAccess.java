package org.zfleet.node.web;

import java.util.Optional;

/**
 * Decides whether a request may read the status page's data ({@code /api/*}). The control API's
 * token can implement it: the page sends {@code Authorization: Bearer <token>} when it was opened
 * with {@code #token=<token>}.
 */
@FunctionalInterface
public interface PageAccess {

  /**
   * @param bearerToken the request's bearer token, if it sent one
   */
  boolean permits(Optional<String> bearerToken);

  /**
   * Until a token exists: everyone when the management port is bound to a loopback address (only
   * local users reach it), nobody otherwise (the page's data then answers 403 and says why).
   */
  static PageAccess loopbackOnly(String bindHost) {
    boolean loopback = isLoopback(bindHost);
    return token -> loopback;
  }

  static boolean isLoopback(String host) {
    return host.equals("localhost")
        || host.startsWith("127.")
        || host.equals("::1")
        || host.equals("[::1]")
        || host.equals("0:0:0:0:0:0:0:1");
  }
}
