package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.daemon.RealDaemon.snapshots;
import static org.zfleet.node.daemon.RealDaemon.writeRandom;
import static org.zfleet.node.daemon.RealDaemon.zfs;

import java.io.PrintWriter;
import java.io.StringWriter;
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
import org.zfleet.node.cli.ZfleetCommand;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.zfs.RealZfsFixture;

/**
 * {@code zfleet signal reset} against a real daemon on zfs-fuse (issue 12, item 4): a replication
 * fails because someone else's dataset sits where the replica goes, and waits out a long backoff;
 * the operator removes it and resets the job, which replicates at once instead of minutes later.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SignalResetIT {

  private final RealZfsFixture fixture = new RealZfsFixture();
  private DatasetName src;
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
      RealDaemon.releaseHolds(src, ReplicationMarks.of("push_reset", "sink_reset"));
      fixture.destroyAll();
    }
  }

  /** zfs-fuse may call a mounted filesystem busy for a moment: unmount, then retry. */
  private static void removeForeign(DatasetName fs) throws InterruptedException {
    RealZfsFixture.run(java.util.List.of("zfs", "umount", fs.value()));
    for (int attempt = 0; ; attempt++) {
      RealZfsFixture.Result r = RealZfsFixture.run(java.util.List.of("zfs", "destroy", fs.value()));
      if (r.code() == 0 || attempt == 20) {
        assertThat(r.code()).as(r.output()).isZero();
        return;
      }
      Thread.sleep(250);
    }
  }

  @Test
  void aResetRetriesAtOnceWhatWaitsForItsBackoff() throws Exception {
    src = fixture.scratch(RealZfsFixture.POOL_1, "SignalResetIT");
    DatasetName sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "SignalResetIT-sink");
    DatasetName replica = sinkRoot.child(RealDaemon.NODE).child(src.value());
    zfs("create", "-p", replica.value());
    writeRandom(src, "data.bin", 100_000, 1);
    String s1 = RealDaemon.snapshot("zf_", Instant.now(), src);
    String jobs =
        String.join(
            "\n",
            "    { name = push_reset, type = push, sink = sink_reset",
            "      filesystems { \"" + src + "\" = true }",
            "      snapshotting { type = manual, prefix = \"zf_\" }",
            "      pruning { keep-sender = [ { type = not-replicated }, { type = last-n, count = 3 } ],"
                + " keep-receiver = [ { type = last-n, count = 3 } ] }",
            "      replication { retry-backoff { min = 2m, max = 10m } } }",
            "    { name = sink_reset, type = sink, root-fs = \""
                + sinkRoot
                + "\", clients = [ \""
                + RealDaemon.NODE
                + "\" ] }");
    daemon = new RealDaemon(dir, jobs).start();
    RealDaemon.await(
        "the replication failed and waits for its backoff",
        Duration.ofSeconds(60),
        () ->
            daemon
                .filesystem("push_reset", src)
                .map(f -> f.path("retries").size() == 1)
                .orElse(false));

    removeForeign(replica);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        ZfleetCommand.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "signal",
            "reset",
            "--config",
            daemon.configFile.toString(),
            "push_reset");
    assertThat(code).as("stdout: %s stderr: %s", out, err).isZero();
    assertThat(out.toString()).contains("reset job push_reset");

    RealDaemon.await(
        "replicated well within the 2 minute backoff",
        Duration.ofSeconds(30),
        () -> snapshots(replica).contains(s1));
  }
}
