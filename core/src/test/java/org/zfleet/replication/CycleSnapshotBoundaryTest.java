package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.replication.PushJobModel.A;
import static org.zfleet.replication.PushJobModel.onReceiver;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.job.MutableClock;
import org.zfleet.job.StepKind;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.InMemoryZfs;

/**
 * Two cycles' snapshots less than a second apart, the first named in one second and created by ZFS
 * in the next, the one the second cycle started in: pruning in the second cycle must judge the
 * first as an earlier cycle's (it kept it as "taken in the current cycle", for a whole interval).
 */
@Timeout(30)
class CycleSnapshotBoundaryTest {

  private static final ActorTestKit kit = ActorTestKit.create();
  private static final Instant SECOND = Instant.parse("2026-11-28T12:00:01Z");

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void aSnapshotOfTheLastCycleCreatedInTheSecondThisCycleStartedIsPrunedByTheRules()
      throws Exception {
    MutableClock clock = new MutableClock(SECOND.minusMillis(100));
    InMemoryZfs zfs = PushJobModel.modelZfs(clock, 3L);
    // keep-sender: not-replicated and last-n 1; the job snapshots on a schedule (its cycles start
    // with their snapshots).
    DirectJob job =
        DirectPushJob.of(
            PushJobModel.config(
                PushJobModel.Settings.defaults()
                    .withSnapshotting("type = periodic, prefix = \"zf_\", interval = 1h")),
            zfs,
            clock,
            DirectPushJob.transfers(Materializer.matFromSystem(kit.system())));
    zfs.writeFile(A, "data", new byte[] {1, 2, 3});
    job.list();

    clock.set(SECOND);
    job.snapshotNamedAt(SECOND.minusMillis(100));
    String first = "zf_20261128T120000Z";
    assertThat(names(zfs, A)).containsExactly(first);
    assertThat(job.cycle().get(DirectJob.key(A, StepKind.REPLICATE)).ok()).isTrue();

    clock.set(SECOND.plusMillis(200));
    job.snapshot();
    String second = "zf_20261128T120001Z";
    Map<String, DirectJob.Outcome> cycle = job.cycle();

    assertThat(cycle.get(DirectJob.key(A, StepKind.REPLICATE)).ok()).as("%s", cycle).isTrue();
    assertThat(names(zfs, onReceiver(A))).containsExactly(first, second);
    assertThat(cycle.get(DirectJob.key(A, StepKind.PRUNE_SENDER)).summary())
        .contains("destroyed 1, kept 1");
    assertThat(names(zfs, A)).as("the sender keeps the last one only").containsExactly(second);
  }

  private static List<String> names(InMemoryZfs zfs, DatasetName fs) {
    return zfs.list(List.of(fs), Set.of()).stream()
        .filter(d -> d.name().equals(fs))
        .map(DatasetListing::versions)
        .findFirst()
        .orElseThrow()
        .stream()
        .filter(FilesystemVersion::isSnapshot)
        .map(FilesystemVersion::name)
        .toList();
  }
}
