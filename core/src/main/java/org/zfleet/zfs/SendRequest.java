package org.zfleet.zfs;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;

/**
 * One {@code zfs send}: full ({@code from} empty), {@code -i from} or {@code -I from}. {@code from}
 * is a version of the same filesystem: a snapshot, or a bookmark where ZFS has bookmarks. {@code
 * flags} change the stream's form ({@code -c -L -e -w}); a ZFS without one refuses the request.
 */
public record SendRequest(
    SnapshotName to, Optional<FilesystemVersion> from, Mode mode, Set<SendFlag> flags) {

  public enum Mode {
    FULL,
    /** {@code -i}: only the changes between {@code from} and {@code to}. */
    INCREMENTAL,
    /** {@code -I}: {@code from} to {@code to} with every snapshot in between. */
    INTERMEDIATE
  }

  public SendRequest {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(flags, "flags");
    flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    if ((mode == Mode.FULL) != from.isEmpty()) {
      throw new IllegalArgumentException("a full send has no base, an incremental send needs one");
    }
    if (mode == Mode.INTERMEDIATE && from.get().kind() == FilesystemVersion.Kind.BOOKMARK) {
      throw new IllegalArgumentException("zfs send -I cannot start at a bookmark");
    }
  }

  public static SendRequest full(SnapshotName to) {
    return new SendRequest(to, Optional.empty(), Mode.FULL, Set.of());
  }

  public static SendRequest incremental(FilesystemVersion from, SnapshotName to) {
    return new SendRequest(to, Optional.of(from), Mode.INCREMENTAL, Set.of());
  }

  public static SendRequest intermediate(FilesystemVersion from, SnapshotName to) {
    return new SendRequest(to, Optional.of(from), Mode.INTERMEDIATE, Set.of());
  }

  /** This send with {@code flags} instead of its own. */
  public SendRequest withFlags(Set<SendFlag> flags) {
    return new SendRequest(to, from, mode, flags);
  }
}
