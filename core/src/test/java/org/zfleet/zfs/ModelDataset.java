package org.zfleet.zfs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;

/**
 * A filesystem in {@link InMemoryZfs}. {@code writeGen} changes with every write; a snapshot keeps
 * the generation it saw, so "modified since a snapshot" is a comparison, as with ZFS's birth txgs.
 */
final class ModelDataset {
  final DatasetName name;
  final long guid;
  final long createTxg;
  final Instant creation;
  final Map<String, String> localProperties = new TreeMap<>();
  Map<String, byte[]> files = new TreeMap<>();
  long writeGen;

  /** In createtxg order. */
  final List<ModelSnapshot> snapshots = new ArrayList<>();

  final List<FilesystemVersion> bookmarks = new ArrayList<>();

  /** What an interrupted resumable receive left here, or null. */
  ModelResume.Partial partial;

  /** The snapshot this filesystem is a clone of, if it is one. */
  SnapshotName origin;

  ModelDataset(DatasetName name, long guid, long createTxg, Instant creation, long writeGen) {
    this.name = name;
    this.guid = guid;
    this.createTxg = createTxg;
    this.creation = creation;
    this.writeGen = writeGen;
  }

  Optional<ModelSnapshot> snapshot(String shortName) {
    return snapshots.stream().filter(s -> s.name.equals(shortName)).findFirst();
  }

  Optional<ModelSnapshot> snapshotByGuid(long guid) {
    return snapshots.stream().filter(s -> s.guid == guid).findFirst();
  }

  Optional<FilesystemVersion> bookmark(String shortName) {
    return bookmarks.stream().filter(b -> b.name().equals(shortName)).findFirst();
  }

  Optional<ModelSnapshot> latest() {
    return snapshots.isEmpty()
        ? Optional.empty()
        : Optional.of(snapshots.get(snapshots.size() - 1));
  }

  /** True if data was written after the latest snapshot (false without snapshots). */
  boolean modifiedSinceLatest() {
    return latest().map(s -> s.writeGen != writeGen).orElse(false);
  }

  /** Makes the head show {@code snapshot}'s contents again. */
  void resetTo(ModelSnapshot snapshot) {
    files = new TreeMap<>(snapshot.files);
    writeGen = snapshot.writeGen;
  }
}
