package org.zfleet.cycle;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.zfleet.model.DatasetName;

/**
 * What a job's listing step found, as data: the filesystems it sends from (its own, or a pull's
 * source's), and each destination's state. The job actor keeps the last one; the planner turns it
 * into each filesystem's steps.
 *
 * @param senderNode the node the filesystems are on when it is not this one (a pull's source)
 * @param snapshotPrefix the prefix of the snapshots the sending job takes, which {@code scope =
 *     own} prunes
 * @param replicated the sender filesystems whose replicas this job makes itself: never created as
 *     placeholders for their children, who wait for them instead (a pull job names none and makes
 *     every parent one)
 * @param wholeSubtrees roots of subtrees the job selects whole (every dataset below one is among
 *     its filesystems), outermost only: one recursive zfs command serves a snapshot name of all of
 *     them
 */
public record JobListing(
    Optional<String> senderNode,
    Optional<String> snapshotPrefix,
    List<SenderFilesystem> filesystems,
    List<Destination> destinations,
    Set<DatasetName> replicated,
    Set<DatasetName> wholeSubtrees) {

  /** Before the first listing. */
  public static final JobListing EMPTY =
      new JobListing(Optional.empty(), Optional.empty(), List.of(), List.of(), Set.of(), Set.of());

  public JobListing {
    Objects.requireNonNull(senderNode, "senderNode");
    Objects.requireNonNull(snapshotPrefix, "snapshotPrefix");
    filesystems = List.copyOf(filesystems);
    destinations = List.copyOf(destinations);
    replicated = Set.copyOf(replicated);
    wholeSubtrees = Set.copyOf(wholeSubtrees);
  }

  /** A listing that knows of no subtree selected whole. */
  public JobListing(
      Optional<String> senderNode,
      Optional<String> snapshotPrefix,
      List<SenderFilesystem> filesystems,
      List<Destination> destinations,
      Set<DatasetName> replicated) {
    this(senderNode, snapshotPrefix, filesystems, destinations, replicated, Set.of());
  }

  /** A job's own filesystems with no destination (snap and source jobs). */
  public static JobListing own(Optional<String> prefix, List<SenderFilesystem> filesystems) {
    return new JobListing(Optional.empty(), prefix, filesystems, List.of(), Set.of());
  }

  public Optional<SenderFilesystem> filesystem(DatasetName name) {
    return filesystems.stream().filter(f -> f.name().equals(name)).findFirst();
  }
}
