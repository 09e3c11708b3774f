package org.zfleet.node.cluster;

/** The node's TLS files are missing, unreadable or do not fit together; the message says which. */
public final class ClusterTlsException extends RuntimeException {

  public ClusterTlsException(String message) {
    super(message);
  }

  public ClusterTlsException(String message, Throwable cause) {
    super(message, cause);
  }
}
