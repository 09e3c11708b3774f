package org.zfleet.node.cluster;

import java.util.Objects;
import java.util.Optional;

/** Who sent something, as far as this node can vouch for it. */
public sealed interface PeerIdentity {

  /**
   * A cluster member whose certificate (from the cluster CA) names {@code node}, and which
   * advertises the same name in its {@code node:<name>} role; or this node itself.
   */
  record Verified(String node) implements PeerIdentity {
    public Verified {
      Objects.requireNonNull(node, "node");
    }
  }

  /** An address this node cannot tie to a certificate, and why. */
  record Unverified(String address, String reason) implements PeerIdentity {
    public Unverified {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The verified node name, empty if the identity is not verified. */
  default Optional<String> verifiedNode() {
    return this instanceof Verified verified ? Optional.of(verified.node()) : Optional.empty();
  }
}
