package org.zfleet.zfs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.zfleet.model.FilesystemVersion;

/**
 * A receive target as it is right before a stream goes in: whether it exists, its snapshots oldest
 * first, and the properties that keep a replica inert, each with its value and source. Read with
 * one {@code zfs get -d 1}.
 */
record ReceiveTarget(boolean exists, List<Snapshot> snapshots, Map<String, Value> properties) {

  /** One snapshot of the target. */
  record Snapshot(String name, long guid, long createTxg) {}

  /** A property's value and where it comes from ({@code local}, {@code default}, ...). */
  record Value(String value, String source) {}

  /** The properties the query asks for. */
  static final List<String> QUERIED =
      List.of(
          "guid",
          "createtxg",
          "canmount",
          "readonly",
          "setuid",
          "exec",
          "devices",
          "mountpoint",
          "mounted");

  static final ReceiveTarget ABSENT = new ReceiveTarget(false, List.of(), Map.of());

  ReceiveTarget {
    snapshots = List.copyOf(snapshots);
    properties = Map.copyOf(properties);
  }

  /** A target as a listing with {@link DatasetListing#RECEIVE_STATE} found it. */
  static ReceiveTarget listed(DatasetListing listed) {
    Map<String, Value> properties = new HashMap<>();
    listed
        .properties()
        .forEach(
            (property, value) -> {
              if (DatasetListing.RECEIVE_STATE.contains(property)) {
                // The listing keeps a mountpoint only where it is the filesystem's own.
                properties.put(property, new Value(value, "local"));
              }
            });
    return new ReceiveTarget(true, snapshotsOf(listed.versions()), properties);
  }

  /**
   * An inert replica with these versions, as the receiving node's own listing of this cycle found
   * it ({@link ReceiveRequest#listedInert}).
   */
  static ReceiveTarget inertReplica(List<FilesystemVersion> versions) {
    Map<String, Value> properties = new HashMap<>();
    ReceiveGuard.INERT.forEach(
        (property, value) -> properties.put(property, new Value(value, "-")));
    properties.put("mounted", new Value("no", "-"));
    return new ReceiveTarget(true, snapshotsOf(versions), properties);
  }

  private static List<Snapshot> snapshotsOf(List<FilesystemVersion> versions) {
    List<Snapshot> snapshots = new ArrayList<>();
    for (FilesystemVersion v : versions) {
      if (v.isSnapshot()) {
        snapshots.add(new Snapshot(v.name(), v.guid(), v.createTxg()));
      }
    }
    snapshots.sort(Comparator.comparingLong(Snapshot::createTxg));
    return snapshots;
  }

  /** The arguments of {@code zfs get} that read {@code target}. */
  static List<String> queryArguments(String target) {
    return List.of(
        "-Hp", "-d", "1", "-o", "name,property,value,source", String.join(",", QUERIED), target);
  }

  /** Reads the output of {@link #queryArguments}; rows of children are ignored. */
  static ReceiveTarget parse(String target, String output) {
    Map<String, Map<String, Value>> rows = new HashMap<>();
    for (String line : output.split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length < 4) {
        continue;
      }
      rows.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[1], new Value(f[2], f[3]));
    }
    Map<String, Value> own = rows.get(target);
    if (own == null) {
      return ABSENT;
    }
    List<Snapshot> snapshots = new ArrayList<>();
    String prefix = target + "@";
    rows.forEach(
        (name, props) -> {
          if (name.startsWith(prefix)
              && props.containsKey("guid")
              && props.containsKey("createtxg")) {
            snapshots.add(
                new Snapshot(
                    name.substring(prefix.length()),
                    Long.parseUnsignedLong(props.get("guid").value()),
                    Long.parseLong(props.get("createtxg").value())));
          }
        });
    snapshots.sort(Comparator.comparingLong(Snapshot::createTxg));
    return new ReceiveTarget(true, snapshots, own);
  }

  /**
   * True for a replica an earlier zfleet left mounted and writable: it may have changed since its
   * newest snapshot (atime, the directories of child mountpoints), which refuses an increment.
   */
  boolean writableMount() {
    Value mounted = properties.get("mounted");
    Value readonly = properties.get("readonly");
    return mounted != null
        && mounted.value().equals("yes")
        && (readonly == null || !readonly.value().equals("on"));
  }

  Optional<Snapshot> newest() {
    return snapshots.isEmpty()
        ? Optional.empty()
        : Optional.of(snapshots.get(snapshots.size() - 1));
  }
}
