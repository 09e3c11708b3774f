package org.zfleet.zfs;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.model.DatasetName;

/**
 * One {@code zfs receive} into {@code target}. {@code force} ({@code -F}) only when the caller has
 * decided that rolling back the target is safe. {@code properties} are set on the target after a
 * successful receive of a new filesystem, and of any forced one (zfs-fuse has no {@code receive
 * -o}). {@code targetExists} is what the caller's own listing of this cycle found, which saves the
 * receive asking zfs again (a process per filesystem); empty: the receive asks. A target said to
 * exist is not guarded against an incremental stream (see {@code CliReceiveProcess}), so only a
 * caller that listed it as its own replica says so. {@code resumable} ({@code -s}, OpenZFS only):
 * an interrupted receive keeps what arrived, and the target's resume token lets the sender continue
 * from there ({@link ZfsPort#resumeToken}).
 */
public record ReceiveRequest(
    DatasetName target,
    boolean force,
    Map<String, String> properties,
    Optional<Boolean> targetExists,
    boolean resumable) {
  public ReceiveRequest {
    Objects.requireNonNull(target, "target");
    properties = Map.copyOf(properties);
    Objects.requireNonNull(targetExists, "targetExists");
  }

  /** A receive, not resumable, that knows (or not) whether its target exists. */
  public ReceiveRequest(
      DatasetName target,
      boolean force,
      Map<String, String> properties,
      Optional<Boolean> targetExists) {
    this(target, force, properties, targetExists, false);
  }

  /** A receive, not resumable, that asks zfs whether the target exists. */
  public ReceiveRequest(DatasetName target, boolean force, Map<String, String> properties) {
    this(target, force, properties, Optional.empty(), false);
  }

  public static ReceiveRequest into(DatasetName target) {
    return new ReceiveRequest(target, false, Map.of());
  }

  /** This receive with {@code -s}. */
  public ReceiveRequest asResumable() {
    return new ReceiveRequest(target, force, properties, targetExists, true);
  }
}
