package org.zfleet.zfs;

import java.util.Map;
import java.util.Objects;
import org.zfleet.model.DatasetName;

/**
 * One {@code zfs receive} into {@code target}. {@code force} ({@code -F}) only when the caller has
 * decided that rolling back the target is safe. {@code properties} are set on the target after a
 * successful receive of a new filesystem, and of any forced one (zfs-fuse has no {@code receive
 * -o}).
 */
public record ReceiveRequest(DatasetName target, boolean force, Map<String, String> properties) {
  public ReceiveRequest {
    Objects.requireNonNull(target, "target");
    properties = Map.copyOf(properties);
  }

  public static ReceiveRequest into(DatasetName target) {
    return new ReceiveRequest(target, false, Map.of());
  }
}
