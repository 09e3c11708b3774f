package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.replication.PushJobModel.A;
import static org.zfleet.replication.PushJobModel.B;
import static org.zfleet.replication.PushJobModel.BACKOFF;
import static org.zfleet.replication.PushJobModel.CHECK;
import static org.zfleet.replication.PushJobModel.MARKS;
import static org.zfleet.replication.PushJobModel.STALL;
import static org.zfleet.replication.PushJobModel.onReceiver;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.job.FilesystemStatus;
import org.zfleet.job.StepKind;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.ReceiverState;
import org.zfleet.transfer.TransferOptions;

/**
 * A push job to a local sink, end to end over the in-memory ZFS: job actor, supervisors, steps,
 * watchdog and the byte path, with manual time.
 */
@Timeout(90)
class PushJobActorTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private PushJobModel model;

  @BeforeEach
  void setUp() {
    model = new PushJobModel(testKit, Instant.parse("2026-11-28T12:00:00Z"));
  }

  @AfterEach
  void tearDown() {
    model.close();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void fullThenIncrementalCopiesTheDataAndMovesTheCursorAfterEachStep() {
    model.write(A, "one", 5000, 1);
    model.write(B, "one", 3000, 2);
    model.start(PushJobModel.Settings.defaults());

    String s1 = model.snapshotAndReplicate();
    for (DatasetName fs : List.of(A, B)) {
      DatasetName replica = onReceiver(fs);
      assertThat(model.snapshotNames(replica)).containsExactly(s1);
      assertThat(model.version(replica, s1).guid()).isEqualTo(model.version(fs, s1).guid());
      assertThat(model.checksum(replica, s1)).isEqualTo(model.checksum(fs, s1));
      assertThat(model.zfs.contentChecksum(replica)).isEqualTo(model.zfs.contentChecksum(fs));
      assertThat(model.cursor(fs)).contains(Long.toUnsignedString(model.version(fs, s1).guid()));
      assertThat(model.holds(fs, s1)).as("cursor hold on %s@%s", fs, s1).isEqualTo(1);
      assertThat(model.outcome(fs, StepKind.REPLICATE))
          .hasValueSatisfying(
              o -> {
                assertThat(o.ok()).isTrue();
                assertThat(o.summary()).contains("now at @" + s1);
              });
    }
    // The unselected parent became a placeholder holding both replicas.
    assertThat(
            model.zfs.getUserProperty(
                onReceiver(A).parent().orElseThrow().value(), ReceiverState.ROLE_PROPERTY))
        .contains(ReceiverState.ROLE_PLACEHOLDER);

    model.write(A, "two", 7000, 3);
    model.write(B, "one", 4000, 4);
    String s2 = model.snapshotAndReplicate();
    assertThat(s2).isNotEqualTo(s1);
    for (DatasetName fs : List.of(A, B)) {
      DatasetName replica = onReceiver(fs);
      assertThat(model.snapshotNames(replica)).containsExactly(s1, s2);
      assertThat(model.checksum(replica, s2)).isEqualTo(model.checksum(fs, s2));
      assertThat(model.checksum(replica, s1)).isNotEqualTo(model.checksum(replica, s2));
      assertThat(model.zfs.contentChecksum(replica)).isEqualTo(model.zfs.contentChecksum(fs));
      assertThat(model.cursor(fs)).contains(Long.toUnsignedString(model.version(fs, s2).guid()));
      assertThat(model.holds(fs, s2)).isEqualTo(1);
      // The old cursor's hold went with the move, so not-replicated + last-n 1 pruned it.
      assertThat(model.snapshotNames(fs)).containsExactly(s2);
      assertThat(model.listing(fs).properties()).doesNotContainKey(MARKS.stepProperty());
    }
  }

  @Test
  void stalledSendIsKilledWithinTheStallTimeoutPlusOneCheckWhileOthersReplicateThenRetried() {
    model.write(A, "one", 20_000, 1);
    model.write(B, "one", 20_000, 2);
    model.start(PushJobModel.Settings.defaults());
    String s1 = model.snapshotAndReplicate();

    model.stallSendsOf(A);
    model.write(A, "two", 20_000, 3);
    model.write(B, "two", 20_000, 4);
    long cycle = model.wakeup();
    model.await("A's send stalls", () -> model.zfs.hooks().stalledSends() == 1);
    // B replicates its new snapshot while A's send hangs.
    model.await("B replicated", () -> model.snapshotNames(onReceiver(B)).size() == 2);
    String s2 = model.newest(B).name();
    assertThat(model.checksum(onReceiver(B), s2)).isEqualTo(model.checksum(B, s2));
    model.await(
        "A is sending",
        () ->
            model
                .status(A)
                .running()
                .filter(r -> r.kind() == StepKind.REPLICATE && r.phase().startsWith("sending"))
                .isPresent());

    model.pass(STALL.minus(CHECK));
    assertThat(model.replicationWatched(A)).as("still within the stall timeout").isTrue();
    assertThat(model.status(A).running()).isPresent();
    assertThat(model.zfs.hooks().stalledSends()).isEqualTo(1);

    model.pass(CHECK.multipliedBy(2));
    model.await(
        "A's replication stopped",
        () -> model.outcome(A, StepKind.REPLICATE).filter(o -> !o.ok()).isPresent());
    FilesystemStatus.Outcome failed = model.outcome(A, StepKind.REPLICATE).orElseThrow();
    assertThat(failed.stalled()).isTrue();
    assertThat(failed.summary()).startsWith("no progress for 10s").contains("stall timeout 10s");
    model.await("the stalled send was killed", () -> model.zfs.hooks().stalledSends() == 0);
    // The supervisor went on with the cycle's pruning and waits for its backoff.
    model.awaitCycleDone(cycle);
    assertThat(model.snapshotNames(onReceiver(A))).containsExactly(s1);
    assertThat(model.status(A).retries())
        .singleElement()
        .satisfies(r -> assertThat(r.consecutiveFailures()).isEqualTo(1));
    // The snapshot in flight stays held (under the cursor tag, by the cycle's prepare step) for the
    // retry; no step hold is left.
    model.await(
        "only the prepare step's hold on the snapshot in flight", () -> model.holds(A, s2) == 1);
    assertThat(model.listing(A).properties()).doesNotContainKey(MARKS.stepProperty());

    model.zfs.hooks().releaseSends();
    model.pass(BACKOFF.plus(CHECK));
    model.await("A's retry replicated", () -> model.snapshotNames(onReceiver(A)).contains(s2));
    model.await(
        "A's retry finished",
        () ->
            model.outcome(A, StepKind.REPLICATE).filter(FilesystemStatus.Outcome::ok).isPresent());
    assertThat(model.checksum(onReceiver(A), s2)).isEqualTo(model.checksum(A, s2));
    assertThat(model.zfs.contentChecksum(onReceiver(A))).isEqualTo(model.zfs.contentChecksum(A));
    assertThat(model.cursor(A)).contains(Long.toUnsignedString(model.version(A, s2).guid()));
    model.await("no retry pending", () -> model.status(A).retries().isEmpty());
  }

  /** Issue 11, defect 5: replication.concurrency limits the job's replications at once. */
  @Test
  void replicationConcurrencyLimitsTheFilesystemsOfAJobReplicatedAtOnce() {
    model.write(A, "one", 20_000, 1);
    model.write(B, "one", 20_000, 2);
    model.start(PushJobModel.Settings.defaults().withConcurrency(1));
    model.stallSendsOf(A);
    long cycle = model.wakeup();
    model.await("A's send stalls", () -> model.zfs.hooks().stalledSends() == 1);

    // One at a time: B waits for the job's slot while A holds it (the node's gate has room).
    model.await(
        "B waits for a slot",
        () ->
            model
                .status(B)
                .running()
                .filter(
                    r -> r.kind() == StepKind.REPLICATE && r.phase().equals("waiting for a slot"))
                .isPresent());
    assertThat(model.zfs.exists(onReceiver(B))).as("B not received yet").isFalse();

    model.zfs.hooks().releaseSends();
    model.awaitCycleDone(cycle);
    assertThat(model.snapshotNames(onReceiver(A))).hasSize(1);
    assertThat(model.snapshotNames(onReceiver(B))).hasSize(1);
  }

  @Test
  void slowSendThatKeepsMovingIsNeverKilled() {
    // Progress on every chunk, as a trickling transfer shows it to the watchdog.
    TransferOptions progressEveryChunk =
        TransferOptions.defaults().withProgressEvery(Duration.ofMillis(1), 1);
    model.write(A, "big", 512 * 1024, 1);
    model.start(PushJobModel.Settings.defaults().withTransfer(progressEveryChunk));
    model.zfs.hooks().slowSends(1024, Duration.ofMillis(10));
    long cycle = model.wakeup();
    model.await(
        "A is sending",
        () ->
            model
                .status(A)
                .running()
                .filter(r -> r.kind() == StepKind.REPLICATE && r.bytes() > 0)
                .isPresent());
    long bytesBefore = model.status(A).running().orElseThrow().bytes();

    // 25 s of watchdog time, two and a half stall timeouts, with a few KiB moving each second.
    for (int i = 0; i < 25; i++) {
      long before = model.status(A).running().orElseThrow().bytes();
      // Each second moves a few KiB: wait for them before the watchdog's next check.
      model.await("bytes moved", () -> model.status(A).running().orElseThrow().bytes() > before);
      model.pass(CHECK);
      assertThat(model.replicationWatched(A)).as("after %d s", i + 1).isTrue();
      assertThat(model.outcome(A, StepKind.REPLICATE).filter(o -> !o.ok()))
          .as("after %d s", i + 1)
          .isEmpty();
    }
    long bytesAfter = model.status(A).running().orElseThrow().bytes();
    assertThat(bytesAfter).as("the transfer kept moving").isGreaterThan(bytesBefore);

    model.zfs.hooks().slowSends(Integer.MAX_VALUE, Duration.ZERO);
    model.awaitCycleDone(cycle);
    String s1 = model.newest(A).name();
    // The slow send completed; the fresh cycle asked for after it may already report up to date.
    assertThat(model.outcome(A, StepKind.REPLICATE))
        .hasValueSatisfying(o -> assertThat(o.ok()).isTrue());
    assertThat(model.newest(onReceiver(A)).name()).isEqualTo(s1);
    assertThat(model.checksum(onReceiver(A), s1)).isEqualTo(model.checksum(A, s1));
  }

  @Test
  void senderPruningKeepsEverythingFromTheCursorAndStopsWhenTheCursorIsMissing() {
    model.write(A, "one", 1000, 1);
    model.write(B, "one", 1000, 2);
    model.start(PushJobModel.Settings.defaults());
    String s1 = model.snapshotAndReplicate();

    // Two cycles whose receives fail: the cursor stays at s1 and pruning keeps s1 and what follows.
    model.zfs.hooks().failNext(org.zfleet.zfs.ModelHooks.Op.RECEIVE, 4);
    String s2 = model.snapshotAndReplicate();
    String s3 = model.snapshotAndReplicate();
    assertThat(model.snapshotNames(onReceiver(A))).containsExactly(s1);
    assertThat(model.snapshotNames(A)).containsExactly(s1, s2, s3);
    assertThat(model.outcome(A, StepKind.PRUNE_SENDER))
        .hasValueSatisfying(
            o -> {
              assertThat(o.ok()).isTrue();
              assertThat(o.summary()).contains("destroyed 0");
            });

    // Without the cursor property, sender pruning stops and says why; nothing is destroyed.
    model.zfs.inheritUserProperty(A, MARKS.cursorProperty());
    model.zfs.hooks().failNext(org.zfleet.zfs.ModelHooks.Op.RECEIVE, 2);
    String s4 = model.snapshotAndReplicate();
    assertThat(model.outcome(A, StepKind.PRUNE_SENDER))
        .hasValueSatisfying(
            o -> {
              assertThat(o.ok()).isFalse();
              assertThat(o.summary()).contains("replication cursor missing");
            });
    assertThat(model.outcome(B, StepKind.PRUNE_SENDER))
        .hasValueSatisfying(o -> assertThat(o.ok()).isTrue());
    assertThat(model.snapshotNames(A)).containsExactly(s1, s2, s3, s4);

    // A successful replication sets the cursor again and pruning resumes, keeping the new base.
    String s5 = model.snapshotAndReplicate();
    assertThat(model.newest(onReceiver(A)).name()).isEqualTo(s5);
    assertThat(model.cursor(A)).contains(Long.toUnsignedString(model.version(A, s5).guid()));
    assertThat(model.outcome(A, StepKind.PRUNE_SENDER))
        .hasValueSatisfying(o -> assertThat(o.ok()).isTrue());
    model.snapshotAndReplicate();
    assertThat(model.snapshotNames(A)).as("no hold of the lost cursor is left behind").hasSize(1);
  }

  @Test
  void senderPruningNeverDestroysTheIncrementalBaseWhileReplicationLags() {
    model.write(A, "one", 1000, 1);
    model.start(
        PushJobModel.Settings.defaults()
            .withFilesystems("\"src/data/a\" = true")
            .withKeepSender("{ type = last-n, count = 1 }"));
    String s1 = model.snapshotAndReplicate();
    model.zfs.hooks().failNext(org.zfleet.zfs.ModelHooks.Op.RECEIVE, 2);
    model.snapshotAndReplicate();
    String s3 = model.snapshotAndReplicate();
    // last-n 1 alone would keep only s3: the base s1 survives by the rules, not by its hold.
    assertThat(model.snapshotNames(A)).containsExactly(s1, s3);
    assertThat(model.outcome(A, StepKind.PRUNE_SENDER))
        .hasValueSatisfying(
            o -> {
              assertThat(o.ok()).isTrue();
              assertThat(o.summary()).contains("destroyed 1").doesNotContain("busy or held");
            });
    String s4 = model.snapshotAndReplicate();
    assertThat(model.newest(onReceiver(A)).name()).isEqualTo(s4);
    assertThat(model.snapshotNames(A)).contains(s4).doesNotContain(s3);
    String s5 = model.snapshotAndReplicate();
    assertThat(model.snapshotNames(A)).containsExactly(s5);
    assertThat(model.newest(onReceiver(A)).name()).isEqualTo(s5);
  }

  @Test
  void whileTheSinkIsUnreachableItsCursorSnapshotIsKeptByTheRulesAndTheStepSaysWhatItWaitsFor() {
    model.write(A, "one", 1000, 1);
    model.start(
        PushJobModel.Settings.defaults()
            .withFilesystems("\"src/data/a\" = true")
            .withKeepSender("{ type = last-n, count = 1 }"));
    String s1 = model.snapshotAndReplicate();

    model.sinkAway = true;
    model.snapshotAndReplicate();
    String s3 = model.snapshotAndReplicate();

    assertThat(model.outcome(A, StepKind.REPLICATE))
        .hasValueSatisfying(
            o -> {
              assertThat(o.ok()).isFalse();
              assertThat(o.summary())
                  .isEqualTo("waiting for sink sink: not reachable (its node is down)");
            });
    // last-n 1 alone would keep only s3: the cursor s1 is protected, not merely held.
    assertThat(model.snapshotNames(A)).containsExactly(s1, s3);
    assertThat(model.outcome(A, StepKind.PRUNE_SENDER))
        .hasValueSatisfying(
            o -> {
              assertThat(o.ok()).isTrue();
              assertThat(o.summary()).contains("destroyed 1").doesNotContain("busy or held");
            });

    model.sinkAway = false;
    String s4 = model.snapshotAndReplicate();
    assertThat(model.newest(onReceiver(A)).name()).isEqualTo(s4);
    // s1 to s4 came as one -I step with s3 (s2 was pruned on the sender while the sink was away);
    // the cycle's pruning then ran on a fresh listing, and last-n 2 left s3 and s4.
    assertThat(model.snapshotNames(onReceiver(A))).containsExactly(s3, s4);
    assertThat(model.outcome(A, StepKind.REPLICATE))
        .hasValueSatisfying(o -> assertThat(o.ok()).isTrue());
    model.snapshotAndReplicate();
    assertThat(model.snapshotNames(A)).hasSize(1);
  }

  @Test
  void staleStepHoldIsReleasedOnTheNextCycle() {
    model.write(A, "one", 1000, 1);
    model.start(
        PushJobModel.Settings.defaults()
            .withKeepSender("{ type = not-replicated }, { type = last-n, count = 5 }"));
    String s1 = model.snapshotAndReplicate();
    // What a step that crashed mid-transfer leaves behind.
    model.zfs.setUserProperty(A.value(), MARKS.stepProperty(), s1);
    model.zfs.hold(A.snapshot(s1), MARKS.stepHoldTag());
    assertThat(model.holds(A, s1)).isEqualTo(2);

    String s2 = model.snapshotAndReplicate();
    assertThat(model.holds(A, s1))
        .as("the stale step hold is gone; the old cursor's goes with the next prepare step")
        .isEqualTo(1);
    assertThat(model.holds(A, s2)).isEqualTo(1);
    assertThat(model.listing(A).properties()).doesNotContainKey(MARKS.stepProperty());
    assertThat(model.snapshotNames(onReceiver(A))).containsExactly(s1, s2);

    String s3 = model.snapshotAndReplicate();
    assertThat(model.holds(A, s1))
        .as("neither the stale step hold nor the old cursor hold")
        .isZero();
    assertThat(model.holds(A, s2))
        .as("the cursor this cycle left, released next cycle")
        .isEqualTo(1);
    assertThat(model.holds(A, s3)).isEqualTo(1);
  }

  @Test
  void foreignReceiverDatasetIsAConflictAndIsNeverChanged() {
    DatasetName c = DatasetName.of("src/data/c");
    DatasetName d = DatasetName.of("src/data/d");
    model.write(A, "one", 1000, 1);
    model.start(
        PushJobModel.Settings.defaults()
            .withFilesystems(
                "\"src/data/a\" = true, \"src/data/c\" = true, \"src/data/d\" = true"));
    model.snapshotAndReplicate();

    // Datasets someone else made where c and d would be received, below zfleet's placeholders.
    model.zfs.createFilesystem(onReceiver(c), Map.of(), false);
    model.write(onReceiver(c), "theirs", 2000, 9);
    model.zfs.createFilesystem(onReceiver(d), Map.of(), false);
    model.write(onReceiver(d), "theirs", 2000, 10);
    model.zfs.snapshot(List.of(onReceiver(d)), "their-snapshot");
    String cContent = model.zfs.contentChecksum(onReceiver(c));
    String dContent = model.zfs.contentChecksum(onReceiver(d));
    List<FilesystemVersion> dSnapshots = model.snapshots(onReceiver(d));
    model.zfs.createFilesystem(c, Map.of(), false);
    model.write(c, "ours", 3000, 11);
    model.zfs.createFilesystem(d, Map.of(), false);
    model.write(d, "ours", 3000, 12);
    model.zfs.snapshot(List.of(c, d), "manual-1");

    for (int cycle = 0; cycle < 2; cycle++) {
      model.write(A, "more", 1000, 20 + cycle);
      String s = model.snapshotAndReplicate();
      assertThat(model.snapshotNames(onReceiver(A))).endsWith(s);
      for (DatasetName fs : List.of(c, d)) {
        assertThat(model.outcome(fs, StepKind.REPLICATE))
            .as("%s", fs)
            .hasValueSatisfying(
                o -> {
                  assertThat(o.ok()).isFalse();
                  assertThat(o.summary()).contains("zfleet did not create");
                });
      }
      assertThat(model.snapshots(onReceiver(c))).isEmpty();
      assertThat(model.zfs.contentChecksum(onReceiver(c))).isEqualTo(cContent);
      assertThat(model.snapshots(onReceiver(d))).isEqualTo(dSnapshots);
      assertThat(model.zfs.contentChecksum(onReceiver(d))).isEqualTo(dContent);
    }
  }
}
