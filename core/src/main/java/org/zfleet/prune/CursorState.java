package org.zfleet.prune;

import java.util.Objects;

/**
 * Where one destination's replication of a filesystem stands, as the sender knows it: the snapshot
 * its replication cursor marks, or that the cursor is missing. {@code not-replicated} keeps every
 * snapshot from the oldest cursor on and refuses to judge while any is missing.
 */
public sealed interface CursorState {

  /** The destination (sink or job) the cursor belongs to, for reports. */
  String destination();

  /**
   * The cursor marks the snapshot with {@code guid}, created in {@code createTxg}; every snapshot
   * from that transaction group on has not reached the destination yet.
   */
  record Known(String destination, long guid, long createTxg) implements CursorState {
    public Known {
      Objects.requireNonNull(destination, "destination");
    }
  }

  /** The destination has no cursor on this filesystem (lost, or never written). */
  record Missing(String destination) implements CursorState {
    public Missing {
      Objects.requireNonNull(destination, "destination");
    }
  }
}
