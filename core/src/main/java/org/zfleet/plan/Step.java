package org.zfleet.plan;

import java.util.Objects;
import java.util.Optional;
import org.zfleet.model.FilesystemVersion;

/**
 * One {@code zfs send | zfs receive} of a replication plan: a full send of {@code to}, or an
 * incremental one from {@code from} (a snapshot or bookmark of the sender filesystem).
 *
 * <p>{@code forceReceive} asks the executor to receive with {@code -F}. The planner sets it on one
 * case only: the full send into an empty placeholder that zfleet created to hold nested
 * filesystems, because ZFS refuses a full stream into an existing dataset without {@code -F}. A
 * full {@code -F} receive into a filesystem without snapshots keeps its children and its local
 * properties (checked on zfs-fuse), so the executor must set {@code zfleet:role=replica} and
 * inherit {@code canmount} afterwards (see {@link ReceiverLayout#replicaProperties()}).
 */
public record Step(
    Optional<FilesystemVersion> from, FilesystemVersion to, Flag flag, boolean forceReceive) {

  /** The kind of send: what {@code zfs send} is told. */
  public enum Flag {
    /** A full stream of {@code to}. */
    FULL("full"),
    /** {@code -i from}: only {@code to}, skipping any snapshot in between. */
    INCREMENTAL("-i"),
    /** {@code -I from}: every snapshot after {@code from} up to and including {@code to}. */
    INTERMEDIATE("-I");

    private final String cli;

    Flag(String cli) {
      this.cli = cli;
    }

    /** "full", "-i" or "-I", as {@code zfleet test plan --json} prints it. */
    public String cli() {
      return cli;
    }
  }

  public Step {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(flag, "flag");
    if (!to.isSnapshot()) {
      throw new IllegalArgumentException("a step must send a snapshot, not " + to.relativeName());
    }
    if ((flag == Flag.FULL) != from.isEmpty()) {
      throw new IllegalArgumentException(
          "a full step has no base and an incremental step needs one");
    }
    if (forceReceive && flag != Flag.FULL) {
      throw new IllegalArgumentException(
          "only a full step into an empty placeholder is received with force");
    }
    if (from.isPresent()) {
      FilesystemVersion base = from.get();
      if (flag == Flag.INTERMEDIATE && !base.isSnapshot()) {
        throw new IllegalArgumentException(
            "zfs send -I cannot start at the bookmark " + base.relativeName());
      }
      if (base.createTxg() >= to.createTxg()) {
        throw new IllegalArgumentException(
            "step base " + base.relativeName() + " is not older than " + to.relativeName());
      }
    }
  }

  /** A step received without force. */
  public Step(Optional<FilesystemVersion> from, FilesystemVersion to, Flag flag) {
    this(from, to, flag, false);
  }

  public static Step full(FilesystemVersion to) {
    return new Step(Optional.empty(), to, Flag.FULL, false);
  }

  /** A full step received with {@code -F} into an empty zfleet placeholder. */
  public static Step fullIntoPlaceholder(FilesystemVersion to) {
    return new Step(Optional.empty(), to, Flag.FULL, true);
  }

  public static Step incremental(FilesystemVersion from, FilesystemVersion to) {
    return new Step(Optional.of(from), to, Flag.INCREMENTAL, false);
  }

  public static Step intermediate(FilesystemVersion from, FilesystemVersion to) {
    return new Step(Optional.of(from), to, Flag.INTERMEDIATE, false);
  }

  @Override
  public String toString() {
    String base = from.map(v -> v.relativeName() + " ").orElse("");
    return flag.cli() + (forceReceive ? "(force) " : " ") + base + to.relativeName();
  }
}
