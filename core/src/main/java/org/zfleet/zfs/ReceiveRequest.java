package org.zfleet.zfs;

import java.util.Map;
import java.util.Objects;
import org.zfleet.model.DatasetName;

/**
 * One {@code zfs receive} into {@code target}. {@code force} ({@code -F}) only when the caller has
 * decided that rolling back the target is safe. {@code properties} are set on the target after a
 * successful receive of a new filesystem, and of any forced one (zfs-fuse has no {@code receive
 * -o}). {@code resumable} ({@code -s}, OpenZFS only): an interrupted receive keeps what arrived,
 * and the target's resume token lets the sender continue from there ({@link ZfsPort#resumeToken}).
 */
public record ReceiveRequest(
    DatasetName target, boolean force, Map<String, String> properties, boolean resumable) {
  public ReceiveRequest {
    Objects.requireNonNull(target, "target");
    properties = Map.copyOf(properties);
  }

  /** A receive that is not resumable. */
  public ReceiveRequest(DatasetName target, boolean force, Map<String, String> properties) {
    this(target, force, properties, false);
  }

  public static ReceiveRequest into(DatasetName target) {
    return new ReceiveRequest(target, false, Map.of());
  }

  /** This receive with {@code -s}. */
  public ReceiveRequest asResumable() {
    return new ReceiveRequest(target, force, properties, true);
  }
}
