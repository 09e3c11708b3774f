package org.zfleet.node.dataplane;

import java.util.Objects;

/** An {@link Authorizer}'s decision on one request. */
public sealed interface Authorization permits Authorization.Allowed, Authorization.Refused {

  record Allowed() implements Authorization {}

  /** Not allowed; {@code reason} is sent to the peer and logged. */
  record Refused(String reason) implements Authorization {
    public Refused {
      Objects.requireNonNull(reason, "reason");
    }
  }

  static Authorization allowed() {
    return new Allowed();
  }

  static Authorization refused(String reason) {
    return new Refused(reason);
  }
}
