package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.zfleet.job.FilesystemStatus;
import org.zfleet.job.JobStatus;
import org.zfleet.model.DatasetName;
import org.zfleet.zfs.ModelHooks;

/**
 * A push job of some two thousand nested filesystems over the in-memory ZFS, its steps finishing in
 * an order each seed shuffles (parents before or after their children, one cycle's steps mixed with
 * the next's): every filesystem reaches the receiver in the first cycle and in every later one,
 * none of them fails (a step acting on a view older than its filesystem's last step would: a full
 * receive into a replica that exists), and a cycle lists the job at most twice (the sender and the
 * sink each once per listing).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ManyFilesystemsPropertyTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final DatasetName TREE = DatasetName.of("src/tree");
  private static final int PARENTS = 20;
  private static final int CHILDREN = 100;
  private static final Duration CYCLE_WAIT = Duration.ofMinutes(3);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2})
  void everyFilesystemReachesTheReceiverEveryCycleWhateverOrderStepsFinishIn(long seed) {
    Random random = new Random(seed);
    try (PushJobModel model =
        new PushJobModel(
            testKit, Instant.parse("2026-11-28T12:00:00Z"), new ShuffledExecutor(seed, 4))) {
      List<DatasetName> tree = createTree(model);
      model.start(
          PushJobModel.Settings.defaults()
              .withFilesystems("\"" + TREE + "<\" = true")
              .withKeepSender("{ type = not-replicated }, { type = last-n, count = 2 }")
              .withKeepReceiver("{ type = last-n, count = 2 }"));

      // The first cycle: every filesystem's first replication, children waiting for parents.
      int lists = model.zfs.hooks().count(ModelHooks.Op.LIST);
      model.wakeup();
      String first = awaitEveryReplica(model, tree);
      assertThat(model.zfs.hooks().count(ModelHooks.Op.LIST) - lists)
          .as("sender and sink listings of the first cycle")
          .isLessThanOrEqualTo(4);

      // An incremental cycle, then two more requested while the first of them still runs: their
      // listings overlap replications that move both sides of some filesystems.
      for (int i = 0; i < 20; i++) {
        DatasetName fs = tree.get(random.nextInt(tree.size()));
        model.write(fs, "f" + i, 1 + random.nextInt(2000), random.nextLong());
      }
      lists = model.zfs.hooks().count(ModelHooks.Op.LIST);
      model.wakeup();
      String second = awaitEveryReplica(model, tree);
      assertThat(second).isNotEqualTo(first);
      assertThat(model.zfs.hooks().count(ModelHooks.Op.LIST) - lists)
          .as("sender and sink listings of an incremental cycle")
          .isLessThanOrEqualTo(4);

      model.wakeup();
      model.await(
          "some filesystems replicated in the third cycle",
          () ->
              replicatedCount(model, tree, newest(model, TREE)) > random.nextInt(tree.size() / 2));
      model.wakeup();
      String last = awaitEveryReplica(model, tree);
      assertThat(last).isNotEqualTo(second);
      for (DatasetName fs : tree) {
        assertThat(model.zfs.contentChecksum(PushJobModel.onReceiver(fs).snapshot(last)))
            .as("data of the replica of %s", fs)
            .isEqualTo(model.zfs.contentChecksum(fs.snapshot(last)));
      }
    }
  }

  /** The tree: its root, PARENTS parents and CHILDREN children under each. */
  private static List<DatasetName> createTree(PushJobModel model) {
    List<DatasetName> tree = new ArrayList<>();
    model.zfs.createFilesystem(TREE, Map.of(), true);
    tree.add(TREE);
    for (int p = 0; p < PARENTS; p++) {
      DatasetName parent = TREE.child("p" + p);
      model.zfs.createFilesystem(parent, Map.of(), false);
      tree.add(parent);
      for (int c = 0; c < CHILDREN; c++) {
        DatasetName child = parent.child("c" + c);
        model.zfs.createFilesystem(child, Map.of(), false);
        tree.add(child);
      }
    }
    return tree;
  }

  /**
   * Waits until the job's newest snapshot is on every replica and every filesystem is idle with
   * nothing failed; returns the snapshot.
   */
  private static String awaitEveryReplica(PushJobModel model, List<DatasetName> tree) {
    String[] newest = new String[1];
    testKit
        .createTestProbe()
        .awaitAssert(
            CYCLE_WAIT,
            Duration.ofMillis(200),
            () -> {
              newest[0] = newest(model, TREE);
              assertThat(replicatedCount(model, tree, newest[0]))
                  .as("replicas at @%s", newest[0])
                  .isEqualTo(tree.size());
              JobStatus status = model.status();
              assertThat(status.phase()).isEqualTo("idle");
              assertThat(status.filesystems()).hasSize(tree.size());
              for (FilesystemStatus fs : status.filesystems()) {
                assertThat(fs.running()).as("%s runs", fs.filesystem()).isEmpty();
                assertThat(fs.lastOutcomes())
                    .as("steps of %s", fs.filesystem())
                    .allSatisfy(o -> assertThat(o.ok()).as(o.summary()).isTrue());
              }
              return null;
            });
    return newest[0];
  }

  // Read without counting commands: the test counts the job's listings.
  private static String newest(PushJobModel model, DatasetName fs) {
    List<String> names = model.zfs.peekSnapshots(fs);
    return names.get(names.size() - 1);
  }

  private static int replicatedCount(PushJobModel model, List<DatasetName> tree, String snapshot) {
    int n = 0;
    for (DatasetName fs : tree) {
      if (model.zfs.peekSnapshots(PushJobModel.onReceiver(fs)).contains(snapshot)) {
        n++;
      }
    }
    return n;
  }
}
