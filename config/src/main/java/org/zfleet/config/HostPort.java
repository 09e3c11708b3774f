package org.zfleet.config;

import java.util.Objects;

/** A host and TCP port, written {@code host:port} or {@code [v6-address]:port}. */
public record HostPort(String host, int port) {

  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("empty host");
    }
    // '@' and '/' would change the meaning of a cluster address (pekko://zfleet@host:port).
    if (host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == '@')) {
      throw new IllegalArgumentException("host \"" + host + "\" contains a space, '/' or '@'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must lie in 1-65535, got " + port);
    }
  }

  /** Parses {@code host:port}; throws {@link IllegalArgumentException} saying what is wrong. */
  public static HostPort parse(String text) {
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("expected [address]:port, got \"" + text + "\"");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || text.indexOf(':') != colon) {
        throw new IllegalArgumentException("expected host:port, got \"" + text + "\"");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          "\"" + port + "\" is not a port number in \"" + text + "\"");
    }
    return new HostPort(host, Integer.parseInt(port));
  }

  /** The same host with another port. */
  public HostPort withPort(int newPort) {
    return new HostPort(host, newPort);
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
