package org.zfleet.restore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.zfs.ZfsException;
import org.zfleet.zfs.ZfsPort;

/**
 * Read-only views of a replica's snapshot for fetching single files: a clone {@code
 * <pool>/zfleet_mounts/<name>} with {@code readonly=on}, mounted under a zfleet directory, marked
 * with {@value #MOUNT_OF} = the snapshot. The replica is never changed (while the clone exists, its
 * snapshot cannot be destroyed, so pruning of that one snapshot waits). Unmounting destroys only a
 * clone that carries the mark for the snapshot named.
 */
public final class BackupMounts {

  /** The user property that marks a clone made here, set to the snapshot it shows. */
  public static final String MOUNT_OF = "zfleet:mount-of";

  /** The filesystem, one per pool, that holds the clones. */
  public static final String CONTAINER = "zfleet_mounts";

  private static final int PART = 80;
  private static final int BUSY_RETRIES = 40;

  /** A mounted snapshot: the clone and where it is mounted. */
  public record Mount(
      SnapshotName snapshot, DatasetName dataset, String mountpoint, boolean made) {}

  private final ZfsPort zfs;
  private final String mountsDir;

  /**
   * @param mountsDir the absolute directory the clones are mounted under (the node's data-dir's
   *     {@code mounts})
   */
  public BackupMounts(ZfsPort zfs, String mountsDir) {
    this.zfs = zfs;
    this.mountsDir = mountsDir.endsWith("/") ? mountsDir : mountsDir + "/";
  }

  /** The clone that shows {@code snapshot}: readable, unique per snapshot, in the same pool. */
  public static DatasetName cloneName(SnapshotName snapshot) {
    String leaf =
        cut(snapshot.dataset().leaf()) + "_" + cut(snapshot.name()) + "_" + shortHash(snapshot);
    return DatasetName.of(snapshot.dataset().pool() + "/" + CONTAINER + "/" + leaf);
  }

  public String mountpoint(SnapshotName snapshot) {
    return mountsDir + cloneName(snapshot).leaf();
  }

  /** Mounts {@code snapshot} read-only; mounting it again answers the existing mount. */
  public Mount mount(SnapshotName snapshot) {
    DatasetName clone = cloneName(snapshot);
    Optional<String> mark = markOf(clone);
    if (mark.isPresent()) {
      if (!mark.get().equals(snapshot.full())) {
        throw new IllegalStateException(
            clone
                + " exists and shows "
                + mark.get()
                + ", not "
                + snapshot
                + "; nothing is changed");
      }
      return new Mount(snapshot, clone, mountpoint(snapshot), false);
    }
    if (exists(clone)) {
      throw new IllegalStateException(
          clone + " exists but was not made by `zfleet backups mount`; nothing is changed");
    }
    DatasetName container = clone.parent().orElseThrow();
    if (!exists(container)) {
      zfs.createFilesystem(container, Map.of("mountpoint", "none", "canmount", "off"), false);
    }
    String mountpoint = mountpoint(snapshot);
    zfs.clone(
        snapshot,
        clone,
        Map.of(
            "readonly", "on", "atime", "off", "mountpoint", mountpoint, MOUNT_OF, snapshot.full()));
    return new Mount(snapshot, clone, mountpoint, true);
  }

  /**
   * Destroys the clone that shows {@code snapshot}; false if there is none. A dataset at that name
   * without the mark is refused and left alone.
   */
  public boolean unmount(SnapshotName snapshot) {
    DatasetName clone = cloneName(snapshot);
    Optional<String> mark = markOf(clone);
    if (mark.isEmpty()) {
      if (exists(clone)) {
        throw new IllegalStateException(
            clone + " was not made by `zfleet backups mount` (no " + MOUNT_OF + "); left alone");
      }
      return false;
    }
    if (!mark.get().equals(snapshot.full())) {
      throw new IllegalStateException(
          clone + " shows " + mark.get() + ", not " + snapshot + "; left alone");
    }
    for (int attempt = 0; ; attempt++) {
      try {
        zfs.destroyFilesystem(clone);
        return true;
      } catch (ZfsException.Busy e) {
        // A clone that was just read (or whose directory a shell is in) is busy for a moment.
        if (attempt >= BUSY_RETRIES) {
          throw e;
        }
        pause();
      }
    }
  }

  /** The clone's own mark, or empty if it does not exist or has none. */
  private Optional<String> markOf(DatasetName clone) {
    try {
      return zfs.list(java.util.List.of(clone), java.util.Set.of(MOUNT_OF)).stream()
          .filter(d -> d.name().equals(clone))
          .findFirst()
          .flatMap(d -> Optional.ofNullable(d.properties().get(MOUNT_OF)));
    } catch (ZfsException.NotFound e) {
      return Optional.empty();
    }
  }

  private boolean exists(DatasetName dataset) {
    try {
      return zfs.list(java.util.List.of(dataset), java.util.Set.of()).stream()
          .anyMatch(d -> d.name().equals(dataset));
    } catch (ZfsException.NotFound e) {
      return false;
    }
  }

  private static String cut(String part) {
    return part.length() <= PART ? part : part.substring(0, PART);
  }

  private static String shortHash(SnapshotName snapshot) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(snapshot.full().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a busy clone", e);
    }
  }
}
