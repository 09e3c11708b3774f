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

  /**
   * Issue 11, defect 1: {@code "src/data<" = true, "src/data/a" = false} with {@code src/data/a/b}:
   * {@code a} is a placeholder on the receiver, and making it must not make the replica of {@code
   * src/data} (its parent, replicated itself) in a way that is not zfleet's. Whatever order the two
   * replications run in, both arrive, and every dataset zfleet made there is marked as its own.
   */
  @Test
  void anExcludedMiddleBecomesAPlaceholderAndItsReplicatedParentArrivesWhateverTheOrder()
      throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    InMemoryZfs zfs = PushJobModel.modelZfs(clock, 5L);
    DatasetName grandchild = PushJobModel.A.child("b");
    zfs.createFilesystem(grandchild, java.util.Map.of(), false);
    DirectJob job =
        DirectPushJob.of(
            PushJobModel.config(
                PushJobModel.Settings.defaults()
                    .withFilesystems("\"src/data<\" = true, \"src/data/a\" = false")),
            zfs,
            clock,
            DirectPushJob.transfers(Materializer.matFromSystem(kit.system())));
    job.list();
    job.snapshot();
    List<DirectJob.Listed> steps = job.list();

    // The nested filesystem first, then its replicated parent, then whatever is left.
    job.run(replicateStep(steps, grandchild));
    job.run(replicateStep(steps, PARENT));
    clock.advance(java.time.Duration.ofMinutes(1));
    job.cycle();
    clock.advance(java.time.Duration.ofMinutes(1));
    java.util.Map<String, DirectJob.Outcome> last = job.cycle();

    for (DatasetName fs : List.of(PARENT, grandchild, PushJobModel.B)) {
      DirectJob.Outcome outcome = last.get(DirectJob.key(fs, StepKind.REPLICATE));
      assertThat(outcome.ok()).as("%s: %s", fs, outcome.summary()).isTrue();
      assertThat(
              zfs.getUserProperty(PushJobModel.onReceiver(fs).value(), ReceiverState.ROLE_PROPERTY))
          .as("role of the replica of %s", fs)
          .contains(ReceiverState.ROLE_REPLICA);
      assertThat(zfs.contentChecksum(PushJobModel.onReceiver(fs)))
          .isEqualTo(zfs.contentChecksum(fs));
    }
    // Every dataset zfleet made on the receiver carries its role, set on it (not inherited).
    java.util.Map<DatasetName, String> roles = new java.util.TreeMap<>();
    zfs.list(
            List.of(PushJobModel.SINK_ROOT.child(PushJobModel.NODE)),
            java.util.Set.of(ReceiverState.ROLE_PROPERTY))
        .forEach(
            d ->
                roles.put(
                    d.name(), d.properties().getOrDefault(ReceiverState.ROLE_PROPERTY, "none")));
    assertThat(roles)
        .containsEntry(PushJobModel.onReceiver(PushJobModel.A), ReceiverState.ROLE_PLACEHOLDER)
        .containsEntry(PushJobModel.onReceiver(PARENT), ReceiverState.ROLE_REPLICA)
        .doesNotContainValue("none");
  }

  private static DirectJob.Listed replicateStep(List<DirectJob.Listed> steps, DatasetName fs) {
    return steps.stream()
        .filter(l -> l.filesystem().equals(fs) && StepKind.of(l.step()) == StepKind.REPLICATE)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no replication step for " + fs + " in " + steps));
  }
}
