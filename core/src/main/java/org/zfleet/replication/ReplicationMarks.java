package org.zfleet.replication;

import java.util.Locale;
import java.util.Objects;

/**
 * The names zfleet writes on a sender filesystem for one destination: the hold tag and user
 * property of its replication cursor, and those of a step in flight. A destination is named by the
 * replicating job and the receiving job (a sink, or a pull job with its node), so one filesystem
 * can serve several destinations without their cursors interfering.
 */
public record ReplicationMarks(String destinationKey) {

  /** Prefix of every property zfleet sets. */
  public static final String MODULE = "zfleet:";

  public ReplicationMarks {
    Objects.requireNonNull(destinationKey, "destinationKey");
    if (destinationKey.isEmpty()
        || !destinationKey.chars().allMatch(ReplicationMarks::allowedInTag)) {
      throw new IllegalArgumentException("invalid destination key \"" + destinationKey + "\"");
    }
  }

  /** {@code job} replicating to {@code destination}: both are job or node names. */
  public static ReplicationMarks of(String job, String destination) {
    return new ReplicationMarks(job + "." + destination);
  }

  private static boolean allowedInTag(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-'
        || c == '.'
        || c == ':';
  }

  /** The hold that keeps the cursor snapshot, the incremental base of the next step. */
  public String cursorHoldTag() {
    return "zfleet_cursor." + destinationKey;
  }

  /** The hold on the snapshots a step is sending, released when it ends. */
  public String stepHoldTag() {
    return "zfleet_step." + destinationKey;
  }

  /** Filesystem property holding the cursor snapshot's guid. */
  public String cursorProperty() {
    return MODULE + "cursor." + propertySafe(destinationKey);
  }

  /** Filesystem property naming the snapshots a step holds, so a crashed step's holds are found. */
  public String stepProperty() {
    return MODULE + "step." + propertySafe(destinationKey);
  }

  /**
   * User property names allow lower-case letters only; a key with upper case gets a short hash so
   * two keys differing only in case do not share a property.
   */
  static String propertySafe(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    if (lower.equals(key)) {
      return key;
    }
    return lower + "-" + Integer.toHexString(key.hashCode() & 0xfffff);
  }
}
