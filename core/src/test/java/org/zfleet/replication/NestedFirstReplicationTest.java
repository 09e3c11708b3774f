package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.job.ExpectedWait;
import org.zfleet.job.MutableClock;
import org.zfleet.job.StepKind;
import org.zfleet.model.DatasetName;
import org.zfleet.plan.ReceiverState;
import org.zfleet.zfs.InMemoryZfs;

/**
 * A whole subtree replicated for the first time: the supervisors run in parallel, so a child's
 * first replication can come before its parent's. The child waits, sending nothing, and follows
 * once the parent has arrived.
 */
@Timeout(60)
class NestedFirstReplicationTest {

  private static final ActorTestKit kit = ActorTestKit.create();
  private static final DatasetName PARENT = DatasetName.of("src/data");

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void aChildWhoseReplicatedParentHasNotArrivedWaitsWithoutSendingAndFollowsIt() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    InMemoryZfs zfs = PushJobModel.modelZfs(clock, 3L);
    DirectJob job =
        DirectPushJob.of(
            PushJobModel.config(
                PushJobModel.Settings.defaults().withFilesystems("\"src/data<\" = true")),
            zfs,
            clock,
            DirectPushJob.transfers(Materializer.matFromSystem(kit.system())));
    job.list();
    job.snapshot();
    List<DirectJob.Listed> steps = job.list();

    DirectJob.Outcome early = job.run(replicateStep(steps, PushJobModel.A));
    assertThat(early.ok()).isFalse();
    assertThat(early.failure())
        .isInstanceOf(ParentNotReceivedYet.class)
        .isInstanceOf(ExpectedWait.class);
    assertThat(early.summary())
        .contains("waiting for " + PushJobModel.onReceiver(PARENT) + " to be received first");
    assertThat(zfs.exists(PushJobModel.onReceiver(PushJobModel.A))).isFalse();
    assertThat(zfs.exists(PushJobModel.onReceiver(PARENT))).isFalse();

    assertThat(job.run(replicateStep(steps, PARENT)).ok()).isTrue();
    // The same step, planned before the parent arrived, now finds it and replicates.
    DirectJob.Outcome after = job.run(replicateStep(steps, PushJobModel.A));
    assertThat(after.ok()).as(after.summary()).isTrue();
    assertThat(job.run(replicateStep(steps, PushJobModel.B)).ok()).isTrue();
    for (DatasetName fs : List.of(PARENT, PushJobModel.A, PushJobModel.B)) {
      assertThat(
              zfs.getUserProperty(PushJobModel.onReceiver(fs).value(), ReceiverState.ROLE_PROPERTY))
          .as("role of the replica of %s", fs)
          .isNotEqualTo(java.util.Optional.of(ReceiverState.ROLE_PLACEHOLDER));
      assertThat(zfs.contentChecksum(PushJobModel.onReceiver(fs)))
          .isEqualTo(zfs.contentChecksum(fs));
    }
  }

  private static DirectJob.Listed replicateStep(List<DirectJob.Listed> steps, DatasetName fs) {
    return steps.stream()
        .filter(l -> l.filesystem().equals(fs) && StepKind.of(l.step()) == StepKind.REPLICATE)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no replication step for " + fs + " in " + steps));
  }
}
