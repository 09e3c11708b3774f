package org.zfleet.zfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;

/**
 * {@code zfs create}, {@code clone}, {@code destroy} of a filesystem and {@code bookmark}: how
 * {@link ZfsCli} makes and removes datasets, refusing what this ZFS cannot do (encryption,
 * bookmarks) before any process starts. Properties are passed as {@code -o} arguments, validated.
 */
final class CliDatasets {

  /** The properties that make a filesystem encrypted. */
  static final Set<String> ENCRYPTION_PROPERTIES =
      Set.of("encryption", "keyformat", "keylocation", "pbkdf2iters");

  private final CliCommands commands;
  private final ZfsCapabilities capabilities;

  CliDatasets(CliCommands commands, ZfsCapabilities capabilities) {
    this.commands = commands;
    this.capabilities = capabilities;
  }

  void createFilesystem(DatasetName dataset, Map<String, String> properties, boolean parents) {
    if (!capabilities.encryption()
        && properties.keySet().stream().anyMatch(ENCRYPTION_PROPERTIES::contains)) {
      throw new ZfsException.Unsupported(
          "zfs create " + dataset + ": this ZFS has no encryption (it needs OpenZFS)",
          List.of(),
          "");
    }
    try {
      create(dataset, properties);
    } catch (ZfsException.NotFound e) {
      Optional<DatasetName> parent = dataset.parent();
      if (!parents || parent.isEmpty() || parent.get().depth() < 1) {
        throw e;
      }
      // Never `zfs create -p`: the parents it makes carry none of the properties, so zfleet could
      // not tell them for its own. Each missing parent is made on its own, marked like the child.
      try {
        createFilesystem(parent.get(), properties, true);
      } catch (ZfsException.AlreadyExists madeMeanwhile) {
        // by another step: it is there now
      }
      create(dataset, properties);
    }
  }

  private void create(DatasetName dataset, Map<String, String> properties) {
    List<String> args = propertyArguments(properties);
    args.add(dataset.value());
    commands.zfs("create", dataset.value(), args);
  }

  void clone(SnapshotName origin, DatasetName clone, Map<String, String> properties) {
    List<String> args = propertyArguments(properties);
    args.add(origin.full());
    args.add(clone.value());
    commands.zfs("clone", clone.value(), args);
  }

  /** {@code -o name=value} for each property, in name order; a mutable list to add to. */
  static List<String> propertyArguments(Map<String, String> properties) {
    List<String> args = new ArrayList<>();
    new TreeMap<>(properties)
        .forEach(
            (k, v) -> {
              args.add("-o");
              args.add(ZfsNames.requireProperty(k) + "=" + ZfsNames.requirePropertyValue(v));
            });
    return args;
  }

  void destroyFilesystem(DatasetName dataset) {
    if (dataset.depth() == 0) {
      throw new IllegalArgumentException("refusing to destroy the root of pool " + dataset);
    }
    commands.zfs("destroy", dataset.value(), List.of(dataset.value()));
  }

  void bookmark(SnapshotName snapshot, String bookmark) {
    requireBookmarks("bookmark", snapshot.full());
    String full = snapshot.dataset().value() + "#" + requireBookmarkName(bookmark);
    commands.zfs("bookmark", snapshot.full(), List.of(snapshot.full(), full));
  }

  void destroyBookmark(DatasetName filesystem, String bookmark) {
    requireBookmarks("destroy", filesystem.value());
    String full = filesystem.value() + "#" + requireBookmarkName(bookmark);
    commands.zfs("destroy", full, List.of(full));
  }

  private void requireBookmarks(String verb, String subject) {
    if (!capabilities.bookmarks()) {
      throw new ZfsException.Unsupported(
          "zfs " + verb + " " + subject + ": this ZFS has no bookmarks (zfs-fuse, pool version 23)",
          List.of(),
          "");
    }
  }

  private static String requireBookmarkName(String bookmark) {
    String problem = SnapshotName.shortNameProblem(bookmark);
    if (problem != null) {
      throw new IllegalArgumentException("invalid bookmark name \"" + bookmark + "\": " + problem);
    }
    return bookmark;
  }
}
