package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * A push job with {@code send { raw = true }} on OpenZFS in the guest of {@code
 * deploy/openzfs-vm.sh}: an encrypted filesystem whose key is not even loaded on the sender is
 * replicated as it is on disk, and its replica stays locked: the receiving side never has the key.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class OpenZfsRawReplicationIT {

  private static final String JOB = "raw_push";
  private static final String SINK = "raw_sink";
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
  void anEncryptedFilesystemIsReplicatedRawWithoutItsKeyAndItsReplicaStaysLocked()
      throws Exception {
    src = fixture.scratch(real.pool1(), "OpenZfsRawReplicationIT");
    DatasetName sinkRoot = fixture.scratch(real.pool2(), "OpenZfsRawReplicationIT-sink");
    DatasetName enc = src.child("enc");
    String keyFile = "/tmp/" + src.value().replace('/', '_') + ".key";
    assertThat(
            real.run(List.of("sh", "-c", "printf secret-passphrase > \"$1\"", "sh", keyFile))
                .code())
        .isZero();
    real.zfs(
        "create",
        "-o",
        "encryption=on",
        "-o",
        "keyformat=passphrase",
        "-o",
        "keylocation=file://" + keyFile,
        enc.value());
    real.writeRandom(enc, "data.bin", 300_000, 1);
    String s1 = RealDaemon.snapshot(real, "zf_", Instant.now(), enc);
    real.zfs("unmount", enc.value());
    real.zfs("unload-key", enc.value());
    assertThat(real.property(enc, "keystatus")).isEqualTo("unavailable");
    daemon =
        new RealDaemon(
            dir,
            String.join(
                "\n",
                "    { name = " + JOB + ", type = push, sink = " + SINK,
                "      filesystems { \"" + enc + "\" = true }",
                "      snapshotting { type = manual, prefix = \"zf_\" }",
                "      send { raw = true }",
                "      pruning {",
                "        keep-sender = [ { type = not-replicated }, { type = last-n, count = 5 } ]",
                "        keep-receiver = [ { type = last-n, count = 5 } ]",
                "      }",
                "      replication { stall-timeout = 1m, retry-backoff { min = 1s, max = 5s } }",
                "    }",
                "    { name = " + SINK + ", type = sink, root-fs = \"" + sinkRoot + "\",",
                "      clients = [ \"" + RealDaemon.NODE + "\" ] }"),
            real);

    daemon.start();
    DatasetName replica = sinkRoot.child(RealDaemon.NODE).child(enc.value());
    RealDaemon.await(
        replica + "@" + s1 + " received", CYCLE, () -> real.snapshots(replica).contains(s1));

    assertThat(real.guid(replica, s1)).isEqualTo(real.guid(enc, s1));
    assertThat(real.property(replica, "encryption")).isEqualTo("aes-256-gcm");
    assertThat(real.property(replica, "keystatus")).isEqualTo("unavailable");
    assertThat(real.property(replica, "encryptionroot")).isEqualTo(replica.value());
    assertThat(real.property(enc, "keystatus")).isEqualTo("unavailable");
  }
}
