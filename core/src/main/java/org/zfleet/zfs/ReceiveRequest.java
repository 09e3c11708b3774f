package org.zfleet.zfs;

import java.util.Map;
import java.util.Objects;
import org.zfleet.model.DatasetName;

/**
 * One {@code zfs receive} into {@code target}. {@code force} ({@code -F}) only when the caller has
 * decided that rolling back the target is safe. {@code properties} are set on the target after a
 * successful receive of a new filesystem, and of any forced one (zfs-fuse has no {@code receive
 * -o}). {@code replica}: the target is a replica, left inert (unmounted, read-only, nothing
 * executable); otherwise it is an operator's restore, inspected and received unmounted like any
 * stream, then left an ordinary filesystem and mounted as its properties say.
 */
public record ReceiveRequest(
    DatasetName target, boolean force, Map<String, String> properties, boolean replica) {
  public ReceiveRequest {
    Objects.requireNonNull(target, "target");
    properties = Map.copyOf(properties);
  }

  /** A receive into a replica. */
  public ReceiveRequest(DatasetName target, boolean force, Map<String, String> properties) {
    this(target, force, properties, true);
  }

  /** A receive into a replica, without {@code -F} and properties. */
  public static ReceiveRequest into(DatasetName target) {
    return new ReceiveRequest(target, false, Map.of());
  }

  /**
   * A restore into {@code target} on this node: never {@code -F}, never rolled back, and the
   * filesystem is the operator's to use (mounted after the receive when its {@code canmount} is
   * on).
   */
  public static ReceiveRequest restore(DatasetName target) {
    return new ReceiveRequest(target, false, Map.of(), false);
  }
}
