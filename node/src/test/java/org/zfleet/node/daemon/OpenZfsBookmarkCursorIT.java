package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.zfs.RealZfs;
import org.zfleet.zfs.RealZfsFixture;

/**
 * A push job on OpenZFS in the guest of {@code deploy/openzfs-vm.sh}, where the replication cursor
 * is a bookmark (zrepl's design): after a replication the sender keeps the destination's cursor
 * bookmark and no hold, so a person can destroy the cursor snapshot; the next cycle is still
 * incremental, from the bookmark, and the data arrives.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class OpenZfsBookmarkCursorIT {

  private static final String JOB = "bm_push";
  private static final String SINK = "bm_sink";
  private static final ReplicationMarks MARKS = ReplicationMarks.of(JOB, SINK);
  private static final Duration CYCLE = Duration.ofMinutes(3);

  @TempDir Path dir;
  private RealZfs real;
  private RealZfsFixture fixture;
  private DatasetName src;
  private RealDaemon daemon;

  @BeforeEach
  void guest() {
    real = RealZfs.openZfs();
    fixture = new RealZfsFixture(real);
  }

  @AfterEach
  void cleanUp() {
    try {
      if (daemon != null) {
        daemon.close();
      }
    } finally {
      RealDaemon.releaseHolds(real, src, MARKS);
      fixture.destroyAll();
    }
  }

  @Test
  void theNextCycleIsIncrementalFromTheCursorBookmarkAfterAPersonDestroyedTheCursorSnapshot()
      throws Exception {
    src = fixture.scratch(real.pool1(), "OpenZfsBookmarkCursorIT");
    DatasetName sinkRoot = fixture.scratch(real.pool2(), "OpenZfsBookmarkCursorIT-sink");
    DatasetName fs = src.child("data");
    real.zfs("create", fs.value());
    real.writeRandom(fs, "a.bin", 200_000, 1);
    String s1 = RealDaemon.snapshot(real, "zf_", Instant.now(), fs);
    daemon =
        new RealDaemon(
            dir,
            String.join(
                "\n",
                "    { name = " + JOB + ", type = push, sink = " + SINK,
                "      filesystems { \"" + fs + "\" = true }",
                "      snapshotting { type = manual, prefix = \"zf_\" }",
                "      pruning {",
                "        keep-sender = [ { type = not-replicated }, { type = last-n, count = 5 } ]",
                "        keep-receiver = [ { type = last-n, count = 5 } ]",
                "      }",
                "      replication { stall-timeout = 1m, retry-backoff { min = 1s, max = 5s } }",
                "    }",
                "    { name = " + SINK + ", type = sink, root-fs = \"" + sinkRoot + "\",",
                "      clients = [ \"" + RealDaemon.NODE + "\" ] }"),
            real);
    DatasetName replica = sinkRoot.child(RealDaemon.NODE).child(fs.value());
    String bookmark1 = MARKS.cursorBookmark(Long.parseUnsignedLong(real.guid(fs, s1)));

    long started = System.nanoTime();
    daemon.start();
    awaitReplicated(fs, replica, s1);
    RealDaemon.await(
        "the cursor bookmark of " + s1 + ", and no hold left",
        CYCLE,
        () -> real.bookmarks(fs).equals(java.util.List.of(bookmark1)) && userrefs(fs, s1) == 0);
    long firstCycle = System.nanoTime() - started;

    // A person destroys the cursor snapshot: nothing holds it.
    real.zfs("destroy", fs.snapshot(s1).full());
    real.writeRandom(fs, "a.bin", 200_000, 2);
    Thread.sleep(1100);
    String s2 = RealDaemon.snapshot(real, "zf_", Instant.now(), fs);
    started = System.nanoTime();
    daemon.wakeup(JOB);
    awaitReplicated(fs, replica, s2);
    long secondCycle = System.nanoTime() - started;

    assertThat(real.snapshots(replica))
        .as("incremental: the replica kept @" + s1 + " and received @" + s2 + " on top")
        .containsExactly(s1, s2);
    assertThat(real.guid(replica, s2)).isEqualTo(real.guid(fs, s2));
    assertThat(real.replicaContents(replica)).isEqualTo(real.contents(fs)).isNotEmpty();
    assertThat(daemon.outcome(JOB, fs, "REPLICATE").orElseThrow().path("summary").asText())
        .contains("now at @" + s2);
    String bookmark2 = MARKS.cursorBookmark(Long.parseUnsignedLong(real.guid(fs, s2)));
    RealDaemon.await(
        "the old cursor bookmark replaced by " + bookmark2,
        CYCLE,
        () -> real.bookmarks(fs).equals(java.util.List.of(bookmark2)) && userrefs(fs, s2) == 0);
    System.out.printf(
        "OpenZfsBookmarkCursorIT: first cycle (full) %d ms, cycle from the bookmark %d ms%n",
        firstCycle / 1_000_000, secondCycle / 1_000_000);
  }

  private void awaitReplicated(DatasetName fs, DatasetName replica, String snapshot) {
    RealDaemon.await(
        replica + "@" + snapshot + " received",
        CYCLE,
        () ->
            real.snapshots(replica).contains(snapshot)
                && daemon
                    .outcome(JOB, fs, "REPLICATE")
                    .map(o -> o.path("summary").asText().contains("@" + snapshot))
                    .orElse(false));
  }

  private int userrefs(DatasetName fs, String snapshot) {
    return Integer.parseInt(
        real.zfs("get", "-H", "-p", "-o", "value", "userrefs", fs.snapshot(snapshot).full())
            .strip());
  }
}
