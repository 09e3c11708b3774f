package org.zfleet.node.health;

import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiFunction;
import org.zfleet.model.DatasetName;

/**
 * Estimates the size of a running send from the sending dataset, where the step's own progress has
 * no expected size (zfs-fuse has no {@code send -nP}): a full send is about the {@code referenced}
 * size of the snapshot it sends; an incremental one about the {@code written} of its last snapshot
 * (OpenZFS; zfs-fuse has no {@code written}, so its incrementals show no estimate). Only for jobs
 * whose sender is this node (push). The status views say the size is an estimate.
 */
public final class SizeEstimates {

  /** (snapshot, property) -> bytes, or empty where ZFS has no such property. */
  private final BiFunction<String, String, OptionalLong> sizeProperty;

  private final Set<String> localSenderJobs;

  public SizeEstimates(
      Set<String> localSenderJobs, BiFunction<String, String, OptionalLong> sizeProperty) {
    this.localSenderJobs = Set.copyOf(localSenderJobs);
    this.sizeProperty = sizeProperty;
  }

  /** No estimates (nodes without local senders, tests). */
  public static SizeEstimates none() {
    return new SizeEstimates(Set.of(), (s, p) -> OptionalLong.empty());
  }

  public boolean covers(String job) {
    return localSenderJobs.contains(job);
  }

  /**
   * The estimate for a step of {@code job} on {@code filesystem} whose phase is {@code phase} (the
   * replicate step's own {@code sending <full|-i|-I> [@from] @to}); empty when none can be made.
   */
  public OptionalLong estimate(String job, String filesystem, String phase) {
    if (!covers(job) || !phase.startsWith("sending ")) {
      return OptionalLong.empty();
    }
    String[] words = phase.substring("sending ".length()).trim().split(" ");
    String to = words[words.length - 1];
    if (!to.startsWith("@") || to.length() < 2) {
      return OptionalLong.empty();
    }
    String snapshot;
    try {
      snapshot = DatasetName.of(filesystem).snapshot(to.substring(1)).full();
    } catch (IllegalArgumentException e) {
      return OptionalLong.empty();
    }
    boolean full = words[0].startsWith("full");
    return sizeProperty.apply(snapshot, full ? "referenced" : "written");
  }
}
