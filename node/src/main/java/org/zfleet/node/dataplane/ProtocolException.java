package org.zfleet.node.dataplane;

import java.io.IOException;

/**
 * A peer that does not speak the data-plane protocol: malformed, oversized or unexpected frames.
 */
final class ProtocolException extends IOException {
  ProtocolException(String message) {
    super(message);
  }
}
