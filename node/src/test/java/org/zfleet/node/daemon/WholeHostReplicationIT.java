package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.daemon.RealDaemon.contents;
import static org.zfleet.node.daemon.RealDaemon.replicaContents;
import static org.zfleet.node.daemon.RealDaemon.snapshots;
import static org.zfleet.node.daemon.RealDaemon.writeRandom;
import static org.zfleet.node.daemon.RealDaemon.zfs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.node.WallClock;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.zfs.RealZfsFixture;

/**
 * zrepl's {@code "<" = true} on real zfs-fuse: a push job whose filter names no pool replicates the
 * filesystems of both test pools, pool roots included, into a sink on the second pool, which it
 * excludes. This machine's other pools belong to others: the filter excludes each pool that is not
 * one of the test pools, as an operator excludes what must not be backed up.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WholeHostReplicationIT {

  private static final String JOB = "whole_host";
  private static final String SINK = "whole_host_sink";
  private static final String PREFIX = "wh_";
  private static final ReplicationMarks MARKS = ReplicationMarks.of(JOB, SINK);
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final List<DatasetName> POOLS =
      List.of(DatasetName.of(RealZfsFixture.POOL_1), DatasetName.of(RealZfsFixture.POOL_2));

  private final RealZfsFixture fixture = new RealZfsFixture();
  private RealDaemon daemon;
  private DatasetName sinkRoot;

  @TempDir Path dir;

  @BeforeAll
  static void pools() {
    RealZfsFixture.requirePools();
  }

  @AfterEach
  void cleanUp() {
    try {
      if (daemon != null) {
        daemon.close();
      }
    } finally {
      // The pool roots were replicated too: their snapshots, holds and cursor go with the test.
      for (DatasetName pool : POOLS) {
        RealDaemon.releaseHolds(pool, MARKS);
        for (String snapshot : snapshots(pool)) {
          if (snapshot.startsWith(PREFIX)) {
            zfs("destroy", pool.snapshot(snapshot).full());
          }
        }
        zfs("inherit", MARKS.cursorProperty(), pool.value());
        zfs("inherit", MARKS.stepProperty(), pool.value());
      }
      fixture.destroyAll();
    }
  }

  @Test
  void theWholeHostFilterReplicatesEveryPoolsFilesystems() throws Exception {
    DatasetName first = fixture.scratch(RealZfsFixture.POOL_1, "WholeHostIT");
    DatasetName nested = first.child("nested");
    zfs("create", nested.value());
    DatasetName second = fixture.scratch(RealZfsFixture.POOL_2, "WholeHostIT");
    sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "WholeHostIT-sink");
    writeRandom(nested, "a.bin", 300_000, 1);
    writeRandom(second, "b.bin", 200_000, 2);

    daemon = new RealDaemon(dir, jobs()).start();
    List<DatasetName> selected = List.of(POOLS.get(0), first, nested, POOLS.get(1), second);
    // The job's snapshotting is manual: as in zrepl, a wakeup replicates what the operator took.
    RealDaemon.snapshot(PREFIX, WallClock.clock().instant(), selected.toArray(DatasetName[]::new));
    daemon.wakeup(JOB);

    for (DatasetName fs : selected) {
      RealDaemon.await(
          fs + " replicated",
          WAIT,
          () -> RealDaemon.exists(replica(fs)) && !snapshots(replica(fs)).isEmpty());
    }
    for (DatasetName fs : selected) {
      String taken = snapshots(fs).stream().filter(s -> s.startsWith(PREFIX)).findFirst().get();
      assertThat(snapshots(replica(fs))).as("replica of %s", fs).contains(taken);
    }
    assertThat(replicaContents(replica(nested))).isEqualTo(contents(nested)).isNotEmpty();
    assertThat(replicaContents(replica(second))).isEqualTo(contents(second)).isNotEmpty();
    assertThat(RealDaemon.exists(replica(sinkRoot)))
        .as("the excluded sink is not replicated into itself")
        .isFalse();
    assertThat(snapshots(sinkRoot)).isEmpty();
  }

  private DatasetName replica(DatasetName senderFs) {
    return sinkRoot.child(RealDaemon.NODE).child(senderFs.value());
  }

  /** Every pool of this machine that is not a test pool, excluded. */
  private static List<String> otherPools() {
    List<String> others = new ArrayList<>();
    for (String pool : zpoolNames()) {
      if (POOLS.stream().noneMatch(p -> p.value().equals(pool))) {
        others.add(pool);
      }
    }
    return others;
  }

  private static List<String> zpoolNames() {
    try {
      Process p = new ProcessBuilder("zpool", "list", "-H", "-o", "name").start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).isZero();
      return out.lines().filter(l -> !l.isBlank()).toList();
    } catch (Exception e) {
      throw new AssertionError("zpool list", e);
    }
  }

  private String jobs() {
    StringBuilder filter = new StringBuilder("\"<\" = true, \"" + sinkRoot + "<\" = false");
    for (String other : otherPools()) {
      filter.append(", \"").append(other).append("<\" = false");
    }
    return String.join(
        "\n",
        "    { name = \"" + JOB + "\", type = push, sink = \"" + SINK + "\"",
        "      filesystems { " + filter + " }",
        "      snapshotting { type = manual, prefix = \"" + PREFIX + "\" }",
        "      pruning {",
        "        keep-sender = [ { type = not-replicated }, { type = last-n, count = 2 } ]",
        "        keep-receiver = [ { type = last-n, count = 2 } ]",
        "      }",
        "      replication { stall-timeout = 1m, retry-backoff { min = 1s, max = 5s } }",
        "    }",
        "    { name = \""
            + SINK
            + "\", type = sink, root-fs = \""
            + sinkRoot
            + "\", clients = [ \""
            + RealDaemon.NODE
            + "\" ] }");
  }
}
