package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.daemon.RealDaemon.await;
import static org.zfleet.node.daemon.RealDaemon.contents;
import static org.zfleet.node.daemon.RealDaemon.localProperty;
import static org.zfleet.node.daemon.RealDaemon.replicaContents;
import static org.zfleet.node.daemon.RealDaemon.snapshots;
import static org.zfleet.node.daemon.RealDaemon.writeRandom;
import static org.zfleet.node.daemon.RealDaemon.zfs;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.plan.ReceiverState;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.zfs.RealZfsFixture;

/**
 * A backup of a backup on real zfs-fuse, in one daemon (issue 11, defect 6): {@code prod} pushes
 * only {@code c1/a/b} to the sink {@code first}, where {@code c1} and {@code c1/a} are
 * placeholders; {@code chain} selects everything under {@code first}'s replica of {@code c1} and
 * pushes it on to {@code offsite}. The placeholders arrive there as placeholders and the nested
 * replica with its data.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ChainedReplicationIT {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private final RealZfsFixture fixture = new RealZfsFixture();
  private DatasetName src;
  private DatasetName replicaOfC1;
  private RealDaemon daemon;

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
      RealDaemon.releaseHolds(replicaOfC1, ReplicationMarks.of("chain", "offsite"));
      RealDaemon.releaseHolds(src, ReplicationMarks.of("prod", "first"));
      fixture.destroyAll();
    }
  }

  @Test
  void replicasOfASinkArePushedOnWithTheirPlaceholders() throws Exception {
    src = fixture.scratch(RealZfsFixture.POOL_1, "ChainedReplicationIT");
    DatasetName offsiteRoot = fixture.scratch(RealZfsFixture.POOL_1, "ChainedReplicationIT-off");
    DatasetName firstRoot = fixture.scratch(RealZfsFixture.POOL_2, "ChainedReplicationIT-first");
    DatasetName c1 = src.child("c1");
    DatasetName nested = c1.child("a").child("b");
    zfs("create", "-p", nested.value());
    writeRandom(nested, "data.bin", 300_000, 1);
    String s1 = RealDaemon.snapshot("zf_", Instant.now(), nested);
    DatasetName firstClient = firstRoot.child(RealDaemon.NODE);
    replicaOfC1 = firstClient.child(c1.value());
    DatasetName onFirst = firstClient.child(nested.value());
    DatasetName offsiteClient = offsiteRoot.child(RealDaemon.NODE);
    DatasetName onOffsite = offsiteClient.child(onFirst.value());
    String pruning =
        "      pruning { keep-sender = [ { type = not-replicated }, { type = last-n, count = 3 } ],"
            + " keep-receiver = [ { type = last-n, count = 3 } ] }";
    String jobs =
        String.join(
            "\n",
            "    { name = prod, type = push, sink = first",
            "      filesystems { \"" + nested + "\" = true }",
            "      snapshotting { type = manual, prefix = \"zf_\" }",
            pruning,
            "      replication { retry-backoff { min = 1s, max = 4s } } }",
            "    { name = first, type = sink, root-fs = \""
                + firstRoot
                + "\", clients = [ \""
                + RealDaemon.NODE
                + "\" ] }",
            "    { name = chain, type = push, sink = offsite",
            "      filesystems { \"" + replicaOfC1 + "<\" = true }",
            "      snapshotting { type = manual, prefix = \"zf_\" }",
            pruning,
            "      replication { retry-backoff { min = 1s, max = 4s } } }",
            "    { name = offsite, type = sink, root-fs = \""
                + offsiteRoot
                + "\", clients = [ \""
                + RealDaemon.NODE
                + "\" ] }");
    daemon = new RealDaemon(dir, jobs).start();

    await("the first sink has " + s1, WAIT, () -> snapshots(onFirst).contains(s1));
    daemon.wakeup("chain");
    await("the offsite sink has " + s1, WAIT, () -> snapshots(onOffsite).contains(s1));
    // zfs-fuse has no receive -o: the role is marked just after the stream is in, so the
    // snapshot can be listed a moment before its replica carries the mark.
    await(
        "the offsite replica is marked as a replica",
        WAIT,
        () ->
            ReceiverState.ROLE_REPLICA.equals(
                localProperty(onOffsite, ReceiverState.ROLE_PROPERTY)));
    for (DatasetName placeholder : new DatasetName[] {replicaOfC1, replicaOfC1.child("a")}) {
      assertThat(
              localProperty(offsiteClient.child(placeholder.value()), ReceiverState.ROLE_PROPERTY))
          .as("%s on the offsite sink", placeholder)
          .isEqualTo(ReceiverState.ROLE_PLACEHOLDER);
    }
    assertThat(replicaContents(onOffsite)).isEqualTo(contents(nested)).isNotEmpty();
  }
}
