package org.zfleet.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.zfleet.model.FilesystemVersion;

/**
 * A generated replication history: a sender's snapshots (some not replicated by the job, named
 * x...), a receiver holding some of them up to a point, pruning on the sender (a snapshot gone, or
 * only its bookmark left), an optional diverging receiver snapshot, a cursor, a policy. Drawn from
 * a seed, so that {@code Scenario.random(seed)} replays a failure.
 */
record Scenario(
    long seed,
    List<FilesystemVersion> sender,
    List<FilesystemVersion> receiver,
    PlanOptions options) {

  private static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

  /**
   * Guid offsets worth drawing more often than a uniform long would: zero, and offsets whose guids
   * wrap past the signed and the unsigned maximum (guids are unsigned 64-bit in ZFS).
   */
  private static final long[] EDGE_GUID_OFFSETS = {
    0, -1, -40, Long.MAX_VALUE - 20, Long.MIN_VALUE, Long.MAX_VALUE
  };

  /** Replicated snapshots are named s..., others x...; bookmarks b... */
  static final PlanOptions BASE =
      PlanOptions.defaults().withReplicates(v -> v.name().startsWith("s"));

  static Scenario random(long seed) {
    return random(seed, new Random(seed));
  }

  /**
   * Draws a scenario from {@code r}, which the caller may keep drawing from for more inputs of the
   * same seed. Divergence is drawn from 0..6 and folded so that most histories do not diverge.
   */
  static Scenario random(long seed, Random r) {
    List<Integer> traits = new ArrayList<>();
    int n = r.nextInt(26);
    for (int i = 0; i < n; i++) {
      traits.add(r.nextInt(100));
    }
    int receivedUpTo = r.nextInt(27) - 1;
    int divergence = r.nextInt(7);
    InitialReplication policy =
        InitialReplication.values()[r.nextInt(InitialReplication.values().length)];
    int cursorIndex = r.nextInt(27) - 1;
    boolean placeholder = r.nextBoolean();
    long guidOffset =
        r.nextInt(4) == 0 ? EDGE_GUID_OFFSETS[r.nextInt(EDGE_GUID_OFFSETS.length)] : r.nextLong();
    return of(
        seed,
        traits,
        receivedUpTo,
        divergence <= 2 ? divergence : 0,
        policy,
        cursorIndex,
        placeholder,
        guidOffset);
  }

  /**
   * @param traits one per sender snapshot: {@code t % 5 != 0} replicated, {@code (t / 5) % 4}: 2
   *     pruned on the sender, 3 pruned but bookmarked, else kept; {@code (t / 20) % 5 != 0}
   *     received (if at or before {@code receivedUpTo})
   * @param receivedUpTo index of the newest snapshot the receiver got, negative for none
   * @param divergence 1 adds a receiver-only snapshot after the others, 2 one before them
   */
  static Scenario of(
      long seed,
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
    return new Scenario(seed, List.copyOf(sender), List.copyOf(receiver), options);
  }

  Plan plan() {
    return Planner.plan(sender, receiver, options);
  }

  boolean replicates(FilesystemVersion v) {
    return v.isSnapshot() && options.replicates().test(v);
  }

  @Override
  public String toString() {
    return "seed "
        + seed
        + "\n  sender   "
        + sender
        + "\n  receiver "
        + receiver
        + "\n  options  initial "
        + options.initialReplication()
        + ", replicates names starting with s, cursor "
        + (options.cursorGuid().isPresent()
            ? "guid " + Long.toUnsignedString(options.cursorGuid().getAsLong())
            : "none")
        + ", receiver "
        + options.receiverState();
  }
}
