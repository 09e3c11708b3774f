package org.zfleet.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of a filesystem: a snapshot or a bookmark, identified across pools by its GUID and
 * ordered within its filesystem by createtxg. {@code name} is the short name after '@' or '#'.
 */
public record FilesystemVersion(
    String name, Kind kind, long guid, long createTxg, Instant creation) {

  public enum Kind {
    SNAPSHOT('@'),
    BOOKMARK('#');

    private final char separator;

    Kind(char separator) {
      this.separator = separator;
    }

    public char separator() {
      return separator;
    }
  }

  public FilesystemVersion {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(creation, "creation");
    String problem = SnapshotName.shortNameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(
          "invalid " + kind.name().toLowerCase() + " name \"" + name + "\": " + problem);
    }
  }

  public static FilesystemVersion snapshot(
      String name, long guid, long createTxg, Instant creation) {
    return new FilesystemVersion(name, Kind.SNAPSHOT, guid, createTxg, creation);
  }

  public static FilesystemVersion bookmark(
      String name, long guid, long createTxg, Instant creation) {
    return new FilesystemVersion(name, Kind.BOOKMARK, guid, createTxg, creation);
  }

  public boolean isSnapshot() {
    return kind == Kind.SNAPSHOT;
  }

  /** "@name" or "#name", as zfs writes it after the dataset. */
  public String relativeName() {
    return kind.separator() + name;
  }

  @Override
  public String toString() {
    return relativeName() + "(guid=" + Long.toUnsignedString(guid) + ",txg=" + createTxg + ")";
  }
}
