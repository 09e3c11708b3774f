package org.zfleet.node.cluster;

import java.util.Objects;

/** A host name or IP literal and a TCP port, as written in {@code host:port} settings. */
public record HostPort(String host, int port) {

  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("empty host in \"" + host + ":" + port + "\"");
    }
    if (host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == '@')) {
      throw new IllegalArgumentException("host \"" + host + "\" contains a space, '/' or '@'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " of " + host + " is outside 1..65535");
    }
  }

  /**
   * Parses {@code host:port}; an IPv6 literal is written in brackets ({@code [::1]:25520}), as in
   * Pekko addresses.
   */
  public static HostPort parse(String text) {
    Objects.requireNonNull(text, "host:port");
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("\"" + text + "\" is not host:port");
    }
    String host = text.substring(0, colon);
    String port = text.substring(colon + 1);
    if (host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"))) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not host:port (write an IPv6 address in brackets: [::1]:25520)");
    }
    if (!port.chars().allMatch(c -> c >= '0' && c <= '9') || port.length() > 5) {
      throw new IllegalArgumentException("\"" + text + "\" has no numeric port");
    }
    return new HostPort(host, Integer.parseInt(port));
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
