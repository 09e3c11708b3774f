package org.zfleet.node.dataplane;

import java.util.Objects;

/** What the receiving node answers on a data-plane connection. */
public sealed interface Reply permits Reply.Ready, Reply.Ack, Reply.Failed, Reply.Refused {

  /** The request is accepted and the receive is running: send the data. */
  record Ready() implements Reply {}

  /** The stream ended cleanly and the receive succeeded, having consumed {@code bytes}. */
  record Ack(long bytes) implements Reply {}

  /** The receiving side failed after {@code bytes}; {@code stderr} is the receive's. */
  record Failed(long bytes, String message, String stderr) implements Reply {
    public Failed {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(stderr, "stderr");
    }
  }

  /** The request was not accepted (not authorized, malformed, busy); no receive was started. */
  record Refused(String reason) implements Reply {
    public Refused {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
