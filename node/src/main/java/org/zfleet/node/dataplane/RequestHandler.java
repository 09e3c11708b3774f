package org.zfleet.node.dataplane;

import org.zfleet.node.tls.NodeIdentity;

/**
 * Answers the requests that arrive on the data plane (listings, holds, property changes, ...) for
 * the node its connection's certificate names: the identity comes from the TLS session, never from
 * the request. Called on the connection's own thread; may block on ZFS.
 */
@FunctionalInterface
public interface RequestHandler {

  /** The answer's bytes for {@code request}'s; never null. */
  byte[] answer(NodeIdentity peer, byte[] request);
}
