package org.zfleet.plan;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Predicate;
import org.zfleet.model.FilesystemVersion;

/**
 * What the planner needs besides the two version lists: the job's initial-replication policy, which
 * sender snapshots the job replicates, the sender's replication cursor, and the receiver dataset's
 * state.
 *
 * <p>{@code replicates} is asked about sender snapshots only (bookmarks are never sent). {@code
 * cursorGuid} is the guid of the sender's replication cursor (a bookmark, or a held snapshot on ZFS
 * without bookmarks). The base of incremental steps is the newest receiver snapshot whose guid is
 * on the sender as any version, the cursor included; the cursor never overrides that choice: a
 * cursor behind the base (a crash after a receive, before the cursor moved) or ahead of it (the
 * receiver was rolled back) leaves the plan as it would be without it. It only sharpens conflict
 * messages.
 */
public record PlanOptions(
    InitialReplication initialReplication,
    Predicate<FilesystemVersion> replicates,
    OptionalLong cursorGuid,
    ReceiverState receiverState) {

  public PlanOptions {
    Objects.requireNonNull(initialReplication, "initialReplication");
    Objects.requireNonNull(replicates, "replicates");
    Objects.requireNonNull(cursorGuid, "cursorGuid");
    Objects.requireNonNull(receiverState, "receiverState");
  }

  /**
   * Every snapshot replicated, initial replication of the most recent one, no cursor, a zfleet
   * replica.
   */
  public static PlanOptions defaults() {
    return new PlanOptions(
        InitialReplication.MOST_RECENT,
        everySnapshot(),
        OptionalLong.empty(),
        ReceiverState.REPLICA);
  }

  public static Predicate<FilesystemVersion> everySnapshot() {
    return version -> true;
  }

  /** Replicates the snapshots whose short name starts with {@code prefix}, e.g. the job's own. */
  public static Predicate<FilesystemVersion> namePrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    return version -> version.name().startsWith(prefix);
  }

  public PlanOptions withInitialReplication(InitialReplication policy) {
    return new PlanOptions(policy, replicates, cursorGuid, receiverState);
  }

  public PlanOptions withReplicates(Predicate<FilesystemVersion> filter) {
    return new PlanOptions(initialReplication, filter, cursorGuid, receiverState);
  }

  public PlanOptions withCursor(long guid) {
    return new PlanOptions(initialReplication, replicates, OptionalLong.of(guid), receiverState);
  }

  public PlanOptions withoutCursor() {
    return new PlanOptions(initialReplication, replicates, OptionalLong.empty(), receiverState);
  }

  public PlanOptions withReceiverState(ReceiverState state) {
    return new PlanOptions(initialReplication, replicates, cursorGuid, state);
  }
}
