package org.zfleet.node.dataplane;

import java.util.Objects;
import org.zfleet.node.tls.NodeIdentity;

/** Where to reach a node's data plane, and who must answer there. */
public record PeerAddress(NodeIdentity identity, String host, int port) {
  public PeerAddress {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 1..65535");
    }
  }
}
