package org.zfleet.zfs;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;

/**
 * One {@code zfs receive} into {@code target}. {@code force} ({@code -F}) only when the caller has
 * decided that rolling back the target is safe. {@code properties} are set on the target after a
 * successful receive of a new filesystem, and of any forced one (zfs-fuse has no {@code receive
 * -o}). {@code targetExists} is what the caller's own listing of this cycle found: a target it
 * found absent is not asked about again (a process per filesystem), and the guard refuses an
 * incremental stream into it; one it found, or empty, is asked of zfs just before the receive and
 * the stream checked against its newest snapshot ({@code ReceiveGuard}). Only the receiving node's
 * own listing says so, never a peer's word. {@code resumable} ({@code -s}, OpenZFS only): an
 * interrupted receive keeps what arrived, and the target's resume token lets the sender continue
 * from there ({@link ZfsPort#resumeToken}). {@code replica}: the target is a replica, left inert
 * (unmounted, read-only, nothing executable); otherwise it is an operator's restore, inspected and
 * received unmounted like any stream, then left an ordinary filesystem and mounted as its
 * properties say. {@code listedInert}: the target's versions as the receiving node's own listing of
 * this cycle found them, when that listing showed an inert replica ({@link
 * DatasetListing#inertReplica}): an increment without {@code -F} is then checked against them, and
 * zfs is not asked again (a process per filesystem and cycle). Nothing is received with {@code -F}
 * then, so a replica changed by hand since the listing loses nothing: a snapshot made on it stays
 * (zfs-fuse receives the increment on top of it; without -F no ZFS destroys it), one made writable
 * and changed refuses the increment, and one destroyed gets it applied by zfs-fuse to another
 * dataset whose newest snapshot is the base (docs/architecture.md, "Receiving").
 */
public record ReceiveRequest(
    DatasetName target,
    boolean force,
    Map<String, String> properties,
    Optional<Boolean> targetExists,
    boolean resumable,
    boolean replica,
    Optional<List<FilesystemVersion>> listedInert) {
  public ReceiveRequest {
    Objects.requireNonNull(target, "target");
    properties = Map.copyOf(properties);
    Objects.requireNonNull(targetExists, "targetExists");
    listedInert = listedInert.map(List::copyOf);
  }

  /** A receive that asks zfs about its target when the caller's listing found one. */
  public ReceiveRequest(
      DatasetName target,
      boolean force,
      Map<String, String> properties,
      Optional<Boolean> targetExists,
      boolean resumable,
      boolean replica) {
    this(target, force, properties, targetExists, resumable, replica, Optional.empty());
  }

  /**
   * An increment into the inert replica the receiving node's own listing found with {@code
   * versions}: zfs is not asked about it again.
   */
  public static ReceiveRequest intoListedReplica(
      DatasetName target, List<FilesystemVersion> versions) {
    return new ReceiveRequest(
        target, false, Map.of(), Optional.of(true), false, true, Optional.of(versions));
  }

  /** A receive into a replica, not resumable, that knows (or not) whether its target exists. */
  public ReceiveRequest(
      DatasetName target,
      boolean force,
      Map<String, String> properties,
      Optional<Boolean> targetExists) {
    this(target, force, properties, targetExists, false, true);
  }

  /** A receive into a replica, not resumable, that asks zfs whether the target exists. */
  public ReceiveRequest(DatasetName target, boolean force, Map<String, String> properties) {
    this(target, force, properties, Optional.empty(), false, true);
  }

  /** A receive into a replica, without {@code -F} and properties. */
  public static ReceiveRequest into(DatasetName target) {
    return new ReceiveRequest(target, false, Map.of());
  }

  /**
   * A restore into {@code target} on this node: never {@code -F}, never rolled back, and the
   * filesystem is the operator's to use (mounted after the receive when its {@code canmount} is
   * on). Whether the target exists is asked of zfs.
   */
  public static ReceiveRequest restore(DatasetName target) {
    return new ReceiveRequest(target, false, Map.of(), Optional.empty(), false, false);
  }

  /** This receive with {@code -s}. */
  public ReceiveRequest asResumable() {
    return new ReceiveRequest(target, force, properties, targetExists, true, replica, listedInert);
  }

  /** The same receive, resumable ({@code -s}) only if {@code possible}. */
  public ReceiveRequest resumableIf(boolean possible) {
    return new ReceiveRequest(
        target, force, properties, targetExists, resumable && possible, replica, listedInert);
  }
}
