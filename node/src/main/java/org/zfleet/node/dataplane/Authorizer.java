package org.zfleet.node.dataplane;

import org.zfleet.node.tls.NodeIdentity;

/**
 * Decides whether a peer (as its certificate names it) may do what its header asks, before any
 * receive is started. Called on a connection thread; may consult configuration, must not block
 * long.
 */
@FunctionalInterface
public interface Authorizer {
  Authorization authorize(NodeIdentity peer, TransferHeader header);
}
