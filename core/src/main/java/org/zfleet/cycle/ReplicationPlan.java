package org.zfleet.cycle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.Plan;
import org.zfleet.plan.ReceiverState;
import org.zfleet.plan.Step;

/**
 * Everything the replication of one filesystem to one destination does this cycle, decided from the
 * listing: the plan, and what the step must tidy on the way (placeholders to create, holds of an
 * interrupted step to release, a cursor to heal).
 *
 * @param source the sender filesystem
 * @param target where it is received
 * @param senderVersions the sender's versions as listed (the cursor's old snapshot is among them)
 * @param cursorGuid the destination's cursor as listed, if readable
 * @param staleStepHolds snapshots an interrupted step left held (the step mark)
 * @param placeholders parents to create as placeholders before receiving, parents first
 * @param awaitParent the nearest replicated ancestor, which must have arrived before a first
 *     receive (and before the placeholders between are made)
 * @param healCursorTo where to put the cursor when up to date but the cursor is missing or
 *     elsewhere
 * @param warnings what the listing held that the plan ignored, to be logged
 * @param legacyMarks marks an earlier version wrote for this destination under older names
 *     (property to value), to retire once the cursor is written
 * @param preparedByJob the job's prepare step (run before the cycle's replications) has created the
 *     placeholders and holds the snapshots the steps move the cursor to, and releases the old
 *     cursor's hold next cycle: the step itself only sends, receives and records the cursor
 * @param placeholdersPrepared the prepare step has also created {@code placeholders}; it leaves
 *     those of a first receive that waits for its replicated ancestor to the step, which makes them
 *     once the ancestor has arrived
 * @param cursorBookmarks the destination's cursor bookmarks as listed (ZFS with bookmarks): the one
 *     at the cursor makes its snapshot's hold unnecessary between cycles; the step destroys the
 *     others once it has made a newer one
 * @param partialFullReceive the target is a filesystem a cut full receive was creating (ZFS with
 *     resumable receive): planned as absent, and the full step continues that receive when its
 *     token is this step's stream
 * @param inertReplica the replica's versions as the receiving node's own listing of this cycle
 *     found them, when it found an inert replica: an increment into it asks zfs nothing more
 */
public record ReplicationPlan(
    DatasetName source,
    DatasetName target,
    ReceiverState receiverState,
    Plan plan,
    List<FilesystemVersion> senderVersions,
    OptionalLong cursorGuid,
    List<String> staleStepHolds,
    List<DatasetName> placeholders,
    Optional<DatasetName> awaitParent,
    boolean receiverHadSnapshots,
    Optional<FilesystemVersion> healCursorTo,
    List<String> warnings,
    Map<String, String> legacyMarks,
    boolean preparedByJob,
    boolean placeholdersPrepared,
    List<FilesystemVersion> cursorBookmarks,
    boolean partialFullReceive,
    Optional<List<FilesystemVersion>> inertReplica) {

  public ReplicationPlan {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(receiverState, "receiverState");
    Objects.requireNonNull(plan, "plan");
    senderVersions = List.copyOf(senderVersions);
    Objects.requireNonNull(cursorGuid, "cursorGuid");
    staleStepHolds = List.copyOf(staleStepHolds);
    placeholders = List.copyOf(placeholders);
    Objects.requireNonNull(awaitParent, "awaitParent");
    Objects.requireNonNull(healCursorTo, "healCursorTo");
    warnings = List.copyOf(warnings);
    legacyMarks = Map.copyOf(legacyMarks);
    cursorBookmarks = List.copyOf(cursorBookmarks);
    inertReplica = inertReplica.map(List::copyOf);
  }

  /**
   * A plan with no marks left in an older form, whose step holds and releases its own snapshots and
   * creates its own placeholders.
   */
  public ReplicationPlan(
      DatasetName source,
      DatasetName target,
      ReceiverState receiverState,
      Plan plan,
      List<FilesystemVersion> senderVersions,
      OptionalLong cursorGuid,
      List<String> staleStepHolds,
      List<DatasetName> placeholders,
      Optional<DatasetName> awaitParent,
      boolean receiverHadSnapshots,
      Optional<FilesystemVersion> healCursorTo,
      List<String> warnings) {
    this(
        source,
        target,
        receiverState,
        plan,
        senderVersions,
        cursorGuid,
        staleStepHolds,
        placeholders,
        awaitParent,
        receiverHadSnapshots,
        healCursorTo,
        warnings,
        Map.of(),
        false,
        false,
        List.of(),
        false,
        Optional.empty());
  }

  /** The same plan once the replicated parent it waited for has arrived. */
  public ReplicationPlan parentArrived() {
    return new ReplicationPlan(
        source,
        target,
        receiverState,
        plan,
        senderVersions,
        cursorGuid,
        staleStepHolds,
        placeholders,
        Optional.empty(),
        receiverHadSnapshots,
        healCursorTo,
        warnings,
        legacyMarks,
        preparedByJob,
        placeholdersPrepared,
        cursorBookmarks,
        partialFullReceive,
        inertReplica);
  }

  /**
   * The replica's versions as listed, for the receive of {@code step}: only when the listing found
   * the replica inert, the step is an increment (never received with {@code -F}), and its base is
   * the listed replica's newest snapshot (the first step of this replication; a later one goes on
   * top of what an earlier one received, which the listing never saw).
   */
  public Optional<List<FilesystemVersion>> listedReplicaFor(Step step) {
    if (receiverState != ReceiverState.REPLICA || step.from().isEmpty() || inertReplica.isEmpty()) {
      return Optional.empty();
    }
    long base = step.from().get().guid();
    return inertReplica.filter(
        versions ->
            versions.stream()
                .filter(FilesystemVersion::isSnapshot)
                .max(Comparator.comparingLong(FilesystemVersion::createTxg))
                .filter(newest -> newest.guid() == base)
                .isPresent());
  }

  /**
   * Whether the cursor as listed is kept as a bookmark: then its snapshot is held only while a step
   * sends from it, and pruning may destroy it between cycles.
   */
  public boolean cursorBookmarked() {
    return cursorGuid.isPresent()
        && cursorBookmarks.stream().anyMatch(b -> b.guid() == cursorGuid.getAsLong());
  }

  /** The sender's newest snapshot, where an up-to-date replica stands. */
  public Optional<FilesystemVersion> newestSnapshot() {
    return senderVersions.stream()
        .filter(FilesystemVersion::isSnapshot)
        .reduce((first, second) -> second);
  }

  /**
   * The snapshots a step sends from and to that must be held while it runs and after: every
   * snapshot the cursor passes through, and the first step's base unless it is the cursor held
   * already (a cursor kept as a bookmark holds nothing between cycles: its snapshot, if still
   * there, is held for the step).
   */
  public List<FilesystemVersion> toHold() {
    List<FilesystemVersion> held = new ArrayList<>();
    if (plan instanceof Plan.Steps steps) {
      steps
          .steps()
          .get(0)
          .from()
          .filter(FilesystemVersion::isSnapshot)
          .filter(
              from ->
                  cursorGuid.isEmpty()
                      || cursorGuid.getAsLong() != from.guid()
                      || cursorBookmarked())
          .ifPresent(held::add);
    }
    held.addAll(targets());
    return held;
  }

  /** Every snapshot the steps make the cursor pass through, in order. */
  public List<FilesystemVersion> targets() {
    if (plan instanceof Plan.Steps steps) {
      return steps.steps().stream().map(s -> s.to()).toList();
    }
    return healCursorTo.map(List::of).orElse(List.of());
  }
}
