package org.zfleet.zfs;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What the ZFS at hand supports, detected once at start-up (see {@link ZfsCapabilityProbe}) so one
 * code path serves zfs-fuse (pool version 23) and OpenZFS 2.x: each feature is used where it is
 * there and refused with {@link ZfsException.Unsupported} (or done the older way) where it is not.
 *
 * @param bookmarks {@code zfs bookmark}, bookmarks in listings and as incremental sources
 * @param resumableReceive {@code receive -s}, {@code receive_resume_token}, {@code send -t}, {@code
 *     receive -A}
 * @param listParsable {@code zfs list -p}: exact numbers in one row per dataset
 * @param multipleSnapshotsPerCommand one {@code zfs snapshot} for several datasets, atomically
 * @param holdsCommand {@code zfs holds} lists tags (zfs-fuse only counts them)
 * @param destroySnapshotList one {@code zfs destroy fs@a,b,c} for several snapshots of one
 *     filesystem
 * @param sendSizeEstimate {@code zfs send -nP}: the stream's size before sending it
 * @param sendFlags the {@link SendFlag}s {@code zfs send} takes
 * @param encryption native encryption ({@code load-key}, the {@code encryption} property)
 */
public record ZfsCapabilities(
    boolean bookmarks,
    boolean resumableReceive,
    boolean listParsable,
    boolean multipleSnapshotsPerCommand,
    boolean holdsCommand,
    boolean destroySnapshotList,
    boolean sendSizeEstimate,
    Set<SendFlag> sendFlags,
    boolean encryption) {

  public ZfsCapabilities {
    Objects.requireNonNull(sendFlags, "sendFlags");
    sendFlags = sendFlags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(sendFlags));
  }

  /** zfs-fuse: none of the newer features. */
  public static ZfsCapabilities zfsFuse() {
    return new ZfsCapabilities(false, false, false, false, false, false, false, Set.of(), false);
  }

  /** OpenZFS 2.x. */
  public static ZfsCapabilities openZfs() {
    return new ZfsCapabilities(
        true, true, true, true, true, true, true, EnumSet.allOf(SendFlag.class), true);
  }

  /** What this ZFS has, in a few words for logs: {@code "bookmarks,resume,...,send:-c-L-e-w"}. */
  public String describe() {
    java.util.List<String> out = new java.util.ArrayList<>();
    if (bookmarks) {
      out.add("bookmarks");
    }
    if (resumableReceive) {
      out.add("resume");
    }
    if (listParsable) {
      out.add("list-p");
    }
    if (multipleSnapshotsPerCommand) {
      out.add("snapshot-lists");
    }
    if (holdsCommand) {
      out.add("holds");
    }
    if (destroySnapshotList) {
      out.add("destroy-lists");
    }
    if (sendSizeEstimate) {
      out.add("send-estimates");
    }
    if (!sendFlags.isEmpty()) {
      StringBuilder flags = new StringBuilder("send:");
      for (SendFlag f : SendFlag.values()) {
        if (sendFlags.contains(f)) {
          flags.append(f.option());
        }
      }
      out.add(flags.toString());
    }
    if (encryption) {
      out.add("encryption");
    }
    return out.isEmpty() ? "none" : String.join(",", out);
  }

  /** True if {@code zfs send} takes every one of {@code flags}. */
  public boolean sends(Set<SendFlag> flags) {
    return sendFlags.containsAll(flags);
  }
}
