package org.zfleet.replication;

/**
 * Replication of a filesystem would need zfleet to destroy or overwrite something; nothing was
 * changed.
 */
public final class ReplicationConflict extends RuntimeException {
  public ReplicationConflict(String message) {
    super(message);
  }
}
