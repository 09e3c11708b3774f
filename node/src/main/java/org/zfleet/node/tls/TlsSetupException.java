package org.zfleet.node.tls;

/** Certificates or keys that cannot be created or loaded; the message names the file and why. */
public final class TlsSetupException extends RuntimeException {
  public TlsSetupException(String message) {
    super(message);
  }

  public TlsSetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
