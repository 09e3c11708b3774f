package org.zfleet.prune;

import java.util.Objects;
import org.zfleet.model.FilesystemVersion;

/**
 * A snapshot that must survive this evaluation whatever the rules say, and why: the incremental
 * base shared with a sink, a snapshot a replication step in flight is sending, and the like.
 */
public record Protection(SnapshotRef snapshot, String reason) {

  public Protection {
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(reason, "reason");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("a protection needs a reason");
    }
  }

  /** Protects the snapshot with this GUID (the way to name it across pools). */
  public static Protection ofGuid(long guid, String reason) {
    return new Protection(new SnapshotRef.ByGuid(guid), reason);
  }

  /** Protects the snapshot with this short name (the part after '@'). */
  public static Protection ofName(String name, String reason) {
    return new Protection(new SnapshotRef.ByName(name), reason);
  }

  /** How a protection names its snapshot. */
  public sealed interface SnapshotRef {

    boolean matches(FilesystemVersion version);

    /** By GUID. */
    record ByGuid(long guid) implements SnapshotRef {
      @Override
      public boolean matches(FilesystemVersion version) {
        return version.guid() == guid;
      }
    }

    /** By short name. */
    record ByName(String name) implements SnapshotRef {
      public ByName {
        Objects.requireNonNull(name, "name");
      }

      @Override
      public boolean matches(FilesystemVersion version) {
        return version.name().equals(name);
      }
    }
  }
}
