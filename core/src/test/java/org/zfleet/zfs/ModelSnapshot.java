package org.zfleet.zfs;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.zfleet.model.FilesystemVersion;

/** A snapshot in {@link InMemoryZfs}: frozen file contents and the write generation they show. */
final class ModelSnapshot {
  final String name;
  final long guid;
  final long createTxg;
  final Instant creation;
  final Map<String, byte[]> files;
  final long writeGen;
  final Map<String, String> localProperties = new TreeMap<>();
  final Set<String> holds = new TreeSet<>();

  ModelSnapshot(
      String name,
      long guid,
      long createTxg,
      Instant creation,
      Map<String, byte[]> files,
      long writeGen) {
    this.name = name;
    this.guid = guid;
    this.createTxg = createTxg;
    this.creation = creation;
    this.files = Map.copyOf(files);
    this.writeGen = writeGen;
  }

  FilesystemVersion version() {
    return FilesystemVersion.snapshot(name, guid, createTxg, creation);
  }
}
