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

  /**
   * Without a {@code send} section ({@code raw = auto}): the encrypted filesystem goes raw, its key
   * unloaded, and its unencrypted sibling plain, in one job.
   */
  @Test
  void byDefaultAnEncryptedFilesystemIsSentRawAndAPlainOnePlain() throws Exception {
    src = fixture.scratch(real.pool1(), "OpenZfsRawAutoIT");
    DatasetName sinkRoot = fixture.scratch(real.pool2(), "OpenZfsRawAutoIT-sink");
    DatasetName enc = encrypted(src.child("enc"));
    DatasetName plain = src.child("plain");
    real.zfs("create", plain.value());
    real.writeRandom(plain, "data.bin", 100_000, 2);
    String s1 = RealDaemon.snapshot(real, "zf_", Instant.now(), enc, plain);
    real.zfs("unmount", enc.value());
    real.zfs("unload-key", enc.value());
    daemon = new RealDaemon(dir, jobs(sinkRoot, "", enc, plain), real);

    long started = System.nanoTime();
    daemon.start();
    DatasetName encReplica = sinkRoot.child(RealDaemon.NODE).child(enc.value());
    DatasetName plainReplica = sinkRoot.child(RealDaemon.NODE).child(plain.value());
    RealDaemon.await(
        "both received",
        CYCLE,
        () -> real.snapshots(encReplica).contains(s1) && real.snapshots(plainReplica).contains(s1));
    System.out.printf(
        "OpenZfsRawReplicationIT auto: both filesystems replicated in %d ms%n",
        (System.nanoTime() - started) / 1_000_000);

    assertThat(real.property(encReplica, "encryption")).isEqualTo("aes-256-gcm");
    assertThat(real.property(encReplica, "keystatus")).isEqualTo("unavailable");
    assertThat(real.property(plainReplica, "encryption")).isEqualTo("off");
    assertThat(real.replicaContents(plainReplica)).isEqualTo(real.contents(plain)).isNotEmpty();
  }

  /** {@code raw = off} and the key not loaded: the step fails saying so, and nothing arrives. */
  @Test
  void rawOffWithTheKeyNotLoadedFailsClearlyAndReceivesNothing() throws Exception {
    src = fixture.scratch(real.pool1(), "OpenZfsRawOffIT");
    DatasetName sinkRoot = fixture.scratch(real.pool2(), "OpenZfsRawOffIT-sink");
    DatasetName enc = encrypted(src.child("enc"));
    String s1 = RealDaemon.snapshot(real, "zf_", Instant.now(), enc);
    real.zfs("unmount", enc.value());
    real.zfs("unload-key", enc.value());
    daemon = new RealDaemon(dir, jobs(sinkRoot, "send { raw = off }", enc), real);

    daemon.start();
    RealDaemon.await(
        "the replication's failure",
        CYCLE,
        () ->
            daemon
                .outcome(JOB, enc, "REPLICATE")
                .map(o -> !o.path("ok").asBoolean())
                .orElse(false));

    String summary = daemon.outcome(JOB, enc, "REPLICATE").orElseThrow().path("summary").asText();
    assertThat(summary).contains("key must be loaded").contains("send -w");
    DatasetName replica = sinkRoot.child(RealDaemon.NODE).child(enc.value());
    assertThat(real.snapshots(replica)).doesNotContain(s1);
    assertThat(real.snapshots(enc)).contains(s1);
  }

  /** An encrypted filesystem with a passphrase in a key file, and some data. */
  private DatasetName encrypted(DatasetName enc) {
    String keyFile = "/tmp/" + enc.value().replace('/', '_') + ".key";
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
    real.writeRandom(enc, "data.bin", 200_000, 1);
    return enc;
  }

  private static String jobs(DatasetName sinkRoot, String send, DatasetName... filesystems) {
    StringBuilder selected = new StringBuilder();
    for (DatasetName fs : filesystems) {
      selected
          .append(selected.length() == 0 ? "" : ", ")
          .append('"')
          .append(fs)
          .append("\" = true");
    }
    return String.join(
        "\n",
        "    { name = " + JOB + ", type = push, sink = " + SINK,
        "      filesystems { " + selected + " }",
        "      snapshotting { type = manual, prefix = \"zf_\" }",
        "      " + send,
        "      pruning {",
        "        keep-sender = [ { type = not-replicated }, { type = last-n, count = 5 } ]",
        "        keep-receiver = [ { type = last-n, count = 5 } ]",
        "      }",
        "      replication { stall-timeout = 1m, retry-backoff { min = 1s, max = 5s } }",
        "    }",
        "    { name = " + SINK + ", type = sink, root-fs = \"" + sinkRoot + "\",",
        "      clients = [ \"" + RealDaemon.NODE + "\" ] }");
  }
}
