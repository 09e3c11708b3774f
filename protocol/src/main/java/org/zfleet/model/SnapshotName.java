package org.zfleet.model;

import java.util.Objects;

/** A snapshot's full name, {@code dataset@name}, valid by ZFS's naming rules. */
public record SnapshotName(DatasetName dataset, String name) {

  public SnapshotName {
    Objects.requireNonNull(dataset, "dataset");
    String problem = shortNameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException("invalid snapshot name \"" + name + "\": " + problem);
    }
    if (dataset.value().length() + 1 + name.length() > DatasetName.MAX_LENGTH) {
      throw new IllegalArgumentException(
          "snapshot name \""
              + dataset
              + "@"
              + name
              + "\" is longer than "
              + DatasetName.MAX_LENGTH);
    }
  }

  /** Parses {@code pool/fs@snap}. */
  public static SnapshotName parse(String full) {
    int at = full.indexOf('@');
    if (at < 0) {
      throw new IllegalArgumentException("\"" + full + "\" is not a snapshot name (no '@')");
    }
    return new SnapshotName(new DatasetName(full.substring(0, at)), full.substring(at + 1));
  }

  /** Why {@code name} cannot be the part after '@' (or '#'), or null if it can. */
  public static String shortNameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "empty name";
    }
    return DatasetName.componentProblem(name);
  }

  public String full() {
    return dataset.value() + "@" + name;
  }

  @Override
  public String toString() {
    return full();
  }
}
