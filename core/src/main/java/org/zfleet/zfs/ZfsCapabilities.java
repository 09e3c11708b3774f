package org.zfleet.zfs;

/**
 * What the ZFS at hand supports, detected once at start-up so one code path serves zfs-fuse (pool
 * version 23) and OpenZFS 2.x.
 */
public record ZfsCapabilities(
    boolean bookmarks,
    boolean resumableReceive,
    boolean listParsable,
    boolean multipleSnapshotsPerCommand,
    boolean holdsCommand) {

  /** zfs-fuse: none of the newer features. */
  public static ZfsCapabilities zfsFuse() {
    return new ZfsCapabilities(false, false, false, false, false);
  }

  /** OpenZFS 2.x. */
  public static ZfsCapabilities openZfs() {
    return new ZfsCapabilities(true, true, true, true, true);
  }
}
