package org.zfleet.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.zfleet.model.FilesystemVersion;

/**
 * A generated replication history: a sender's snapshots (some not replicated by the job, named
 * x...), a receiver holding some of them up to a point, pruning on the sender (a snapshot gone, or
 * only its bookmark left), an optional diverging receiver snapshot, a cursor, a policy.
 */
record Scenario(
    List<FilesystemVersion> sender, List<FilesystemVersion> receiver, PlanOptions options) {

  private static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

  /** Replicated snapshots are named s..., others x...; bookmarks b... */
  static final PlanOptions BASE =
      PlanOptions.defaults().withReplicates(v -> v.name().startsWith("s"));

  /**
   * @param traits one per sender snapshot: {@code t % 5 != 0} replicated, {@code (t / 5) % 4}: 2
   *     pruned on the sender, 3 pruned but bookmarked, else kept; {@code (t / 20) % 5 != 0}
   *     received (if at or before {@code receivedUpTo})
   * @param receivedUpTo index of the newest snapshot the receiver got, negative for none
   * @param divergence 1 adds a receiver-only snapshot after the others, 2 one before them
   */
  static Scenario of(
      List<Integer> traits,
      int receivedUpTo,
      int divergence,
      InitialReplication policy,
      int cursorIndex,
      boolean placeholder,
      long guidOffset) {
    int n = traits.size();
    int upTo = Math.min(receivedUpTo, n - 1);
    List<FilesystemVersion> sender = new ArrayList<>();
    List<FilesystemVersion> receiver = new ArrayList<>();
    long receiverTxg = 7;
    if (divergence == 2) {
      receiver.add(FilesystemVersion.snapshot("r-old", guidOffset + 2, receiverTxg, EPOCH));
      receiverTxg += 3;
    }
    OptionalLong cursor = OptionalLong.empty();
    for (int i = 0; i < n; i++) {
      int t = traits.get(i);
      String name = (t % 5 != 0 ? "s" : "x") + i;
      long guid = guidOffset + 2L * i + 5; // odd offsets: never a receiver-only guid
      long txg = 100 + 10L * i;
      Instant creation = EPOCH.plusSeconds(3600L * i);
      int fate = (t / 5) % 4;
      if (fate != 2 && fate != 3) {
        sender.add(FilesystemVersion.snapshot(name, guid, txg, creation));
      }
      if (fate == 3) {
        sender.add(FilesystemVersion.bookmark("b" + i, guid, txg, creation));
      }
      if (i <= upTo && (i == upTo || (t / 20) % 5 != 0)) {
        receiver.add(FilesystemVersion.snapshot(name, guid, receiverTxg, creation));
        receiverTxg += 3;
      }
      if (i == cursorIndex) {
        cursor = OptionalLong.of(guid);
      }
    }
    if (divergence == 1) {
      receiver.add(FilesystemVersion.snapshot("r-new", guidOffset + 4, receiverTxg, EPOCH));
    }
    ReceiverState state =
        receiver.isEmpty()
            ? (placeholder ? ReceiverState.PLACEHOLDER : ReceiverState.ABSENT)
            : ReceiverState.REPLICA;
    PlanOptions options = new PlanOptions(policy, BASE.replicates(), cursor, state);
    return new Scenario(List.copyOf(sender), List.copyOf(receiver), options);
  }

  Plan plan() {
    return Planner.plan(sender, receiver, options);
  }

  boolean replicates(FilesystemVersion v) {
    return v.isSnapshot() && options.replicates().test(v);
  }
}
