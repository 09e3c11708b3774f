package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.replication.PushJobModel.A;
import static org.zfleet.replication.PushJobModel.B;
import static org.zfleet.replication.PushJobModel.onReceiver;

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
import org.zfleet.model.DatasetName;
import org.zfleet.zfs.DatasetListing;

/**
 * zrepl's {@code "<" = true}: a push job over the in-memory ZFS replicates every filesystem of
 * every pool, pool roots included, and nothing the operator excluded (here the sink's own root).
 */
@Timeout(90)
class WholeHostPushTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final DatasetName OTHER = DatasetName.of("third/vm/disk");
  private PushJobModel model;

  @BeforeEach
  void setUp() {
    model = new PushJobModel(testKit, Instant.parse("2026-11-28T12:00:00Z"));
    model.zfs.createPools("third");
    model.zfs.createFilesystem(OTHER, Map.of(), true);
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
  void everyPoolsFilesystemsAreReplicatedAndExclusionsAreNot() {
    model.write(A, "one", 5000, 1);
    model.write(OTHER, "one", 3000, 2);
    model.start(
        PushJobModel.Settings.defaults().withFilesystems("\"<\" = true, \"dst/sink<\" = false"));

    String s1 = model.snapshotAndReplicate();
    model.awaitCycleDone(model.wakeup());

    List<DatasetName> everyFilesystem =
        List.of(
            DatasetName.of("src"),
            DatasetName.of("src/data"),
            A,
            B,
            DatasetName.of("dst"),
            DatasetName.of("third"),
            DatasetName.of("third/vm"),
            OTHER);
    for (DatasetName fs : everyFilesystem) {
      assertThat(model.snapshotNames(onReceiver(fs))).as("replica of %s", fs).contains(s1);
    }
    assertThat(model.zfs.contentChecksum(onReceiver(OTHER)))
        .isEqualTo(model.zfs.contentChecksum(OTHER));
    List<DatasetName> received =
        model.zfs.list(List.of(PushJobModel.SINK_ROOT), java.util.Set.of()).stream()
            .map(DatasetListing::name)
            .toList();
    assertThat(received)
        .as("the sink's own tree is excluded, so never replicated into itself")
        .noneMatch(d -> d.value().contains("/sink/n1/dst/sink"));
    assertThat(model.snapshotNames(PushJobModel.SINK_ROOT)).isEmpty();
  }
}
