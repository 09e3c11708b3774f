package org.zfleet.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.node.daemon.Json;
import org.zfleet.restore.BackupMounts;
import org.zfleet.zfs.RealZfsFixture;

/**
 * {@code zfleet backups} and {@code zfleet restore} on real zfs-fuse: a sink's replica of a
 * client's filesystem (made here as a sink makes it: {@code <root-fs>/<client>/<filesystem>},
 * received with zfs send | zfs receive, marked a replica), listed, mounted read-only, and restored
 * after the client's filesystem was destroyed, byte for byte, without a change to the replica.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RestoreIT {

  private static final String CLIENT = "prod1";

  @TempDir Path dir;
  private final RealZfsFixture fixture = new RealZfsFixture();
  private DatasetName production;
  private DatasetName sinkRoot;
  private DatasetName replica;
  private DatasetName targets;
  private Path config;
  private final byte[] first = random(300_000, 1);
  private final byte[] second = random(200_000, 2);
  private final byte[] third = random(100_000, 3);

  @BeforeAll
  static void pools() {
    RealZfsFixture.requirePools();
  }

  @AfterAll
  static void removeEmptyMountsContainer() {
    // Only if empty: never recursive.
    RealZfsFixture.run(
        List.of("zfs", "destroy", RealZfsFixture.POOL_2 + "/" + BackupMounts.CONTAINER));
  }

  /** The client's filesystem with s1 (a), s2 (+b), s3 (+c), and the sink's replica of all three. */
  @BeforeEach
  void clientAndReplica() throws IOException {
    production = fixture.scratch(RealZfsFixture.POOL_1, "RestoreIT-prod");
    targets = fixture.scratch(RealZfsFixture.POOL_1, "RestoreIT-targets");
    sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "RestoreIT-sink");
    RealZfsFixture.writeFile(production, "a.bin", first);
    zfs("snapshot", production + "@s1");
    RealZfsFixture.writeFile(production, "b.bin", second);
    zfs("snapshot", production + "@s2");
    RealZfsFixture.writeFile(production, "c.bin", third);
    zfs("snapshot", production + "@s3");
    replica = sinkRoot.child(CLIENT + "/" + production.value());
    zfs("create", "-p", "-o", "canmount=off", replica.parent().orElseThrow().value());
    sh("zfs send '" + production + "@s1' | zfs receive '" + replica + "'");
    sh(
        "zfs send -I '"
            + production
            + "@s1' '"
            + production
            + "@s3' | zfs receive '"
            + replica
            + "'");
    zfs("set", "zfleet:role=replica", replica.value());
    config =
        Files.writeString(
            dir.resolve("zfleet.conf"),
            """
            zfleet {
              node { name = "backup1", data-dir = "%s" }
              jobs = [ { name = "prod_sink", type = sink, root-fs = "%s", clients = [ "%s" ] } ]
            }
            """
                .formatted(dir.resolve("data"), sinkRoot, CLIENT));
  }

  @AfterEach
  void cleanUp() {
    fixture.destroyAll();
  }

  @Test
  void listShowsWhatTheSinkHoldsPerClientFilesystem() throws Exception {
    Run table = zfleet("backups", "list", "--config", config.toString());
    Run json =
        zfleet("backups", "list", "--config", config.toString(), "--json", "--client", CLIENT);
    Run other =
        zfleet("backups", "list", "--config", config.toString(), "--json", "--client", "nobody");

    assertThat(table.code).as(table.err).isZero();
    assertThat(table.out.lines().findFirst().orElseThrow())
        .startsWith("JOB")
        .contains("CLIENT", "FILESYSTEM", "SNAPSHOTS", "NEWEST", "SIZE", "REPLICA");
    assertThat(table.out)
        .containsPattern("prod_sink +prod1 +" + production + " +3 +s3 .* " + replica);
    JsonNode replicas = Json.mapper().readTree(json.out);
    assertThat(replicas).hasSize(1);
    assertThat(replicas.get(0).path("filesystem").asText()).isEqualTo(production.value());
    assertThat(replicas.get(0).path("replica").asText()).isEqualTo(replica.value());
    assertThat(replicas.get(0).path("usedBytes").asLong()).isGreaterThan(first.length);
    assertThat(replicas.get(0).path("snapshots").findValuesAsText("name"))
        .containsExactly("s1", "s2", "s3");
    assertThat(replicas.get(0).path("snapshots").get(1).path("guid").asText())
        .isEqualTo(guid(replica + "@s2"));
    assertThat(Json.mapper().readTree(other.out)).isEmpty();
  }

  @Test
  void aDestroyedFilesystemIsRestoredByteForByteThenCaughtUpAndTheReplicaIsUntouched()
      throws Exception {
    String replicaBefore = replicaState();
    destroyWhenNotBusy(production);
    DatasetName target = targets.child("restored");

    Run restore =
        zfleet("restore", replica + "@s2", "--to", target.value(), "--config", config.toString());

    assertThat(restore.code).as(restore.err).isZero();
    assertThat(restore.out)
        .contains("into new dataset " + target + ": full @s2")
        .contains("has the replica's guid " + guid(replica + "@s2"));
    assertThat(restore.err).as("progress on the terminal").contains(" at ").contains("/s");
    assertThat(snapshots(target)).containsExactly("s2");
    assertThat(guid(target + "@s2")).isEqualTo(guid(replica + "@s2"));
    assertThat(RealZfsFixture.readFile(target, "a.bin")).hasValue(first);
    assertThat(RealZfsFixture.readFile(target, "b.bin")).hasValue(second);
    assertThat(RealZfsFixture.readFile(target, "c.bin")).isEmpty();

    // The client's own name finds the replica; the target holds s2 of the same lineage.
    Run catchUp =
        zfleet(
            "restore",
            production + "@s3",
            "--client",
            CLIENT,
            "--to",
            target.value(),
            "--config",
            config.toString());

    assertThat(catchUp.code).as(catchUp.err).isZero();
    assertThat(catchUp.out).contains("into " + target + ": -i @s2 @s3");
    assertThat(snapshots(target)).containsExactly("s2", "s3");
    assertThat(guid(target + "@s3")).isEqualTo(guid(replica + "@s3"));
    remount(target);
    assertThat(RealZfsFixture.readFile(target, "c.bin")).hasValue(third);
    Run again =
        zfleet("restore", replica.value(), "--to", target.value(), "--config", config.toString());
    assertThat(again.code).isZero();
    assertThat(again.out).contains("already holds " + replica + "@s3; nothing to do");
    assertThat(replicaState()).as("the replica after the restores").isEqualTo(replicaBefore);
  }

  @Test
  void anExistingTargetAndAMissingSnapshotAreRefusedAndNothingChanges() throws Exception {
    DatasetName existing = targets.child("existing");
    zfs("create", existing.value());
    RealZfsFixture.writeFile(
        existing, "keep.txt", "the operator's".getBytes(StandardCharsets.UTF_8));
    String replicaBefore = replicaState();

    Run intoExisting =
        zfleet("restore", replica + "@s1", "--to", existing.value(), "--config", config.toString());
    Run missingSnapshot =
        zfleet(
            "restore",
            replica + "@nope",
            "--to",
            targets.child("x").value(),
            "--config",
            config.toString());
    Run missingReplica =
        zfleet(
            "restore",
            "tank/never@s1",
            "--to",
            targets.child("y").value(),
            "--config",
            config.toString());
    Run intoTheSink =
        zfleet(
            "restore",
            replica + "@s1",
            "--to",
            sinkRoot.child("new").value(),
            "--config",
            config.toString());

    assertThat(intoExisting.code).isEqualTo(1);
    assertThat(intoExisting.err)
        .contains(
            existing
                + " already exists and has no snapshot; a restore writes only into a new dataset");
    assertThat(snapshots(existing)).isEmpty();
    assertThat(RealZfsFixture.readFile(existing, "keep.txt"))
        .hasValue("the operator's".getBytes(StandardCharsets.UTF_8));
    assertThat(missingSnapshot.code).isEqualTo(1);
    assertThat(missingSnapshot.err)
        .contains(replica + " has no snapshot @nope; it has (oldest first): s1, s2, s3");
    assertThat(missingReplica.code).isEqualTo(1);
    assertThat(missingReplica.err)
        .contains("no receiving job on this node holds tank/never; it holds:")
        .contains(replica + " (prod1:" + production + ", 3 snapshots, newest @s3)");
    assertThat(intoTheSink.code).isEqualTo(1);
    assertThat(intoTheSink.err).contains("inside the tree of job prod_sink");
    assertThat(datasets(targets)).containsExactly(targets.value(), existing.value());
    assertThat(replicaState()).isEqualTo(replicaBefore);
  }

  @Test
  void aMountShowsTheSnapshotReadOnlyAndUnmountRemovesOnlyItsClone() throws Exception {
    String replicaBefore = replicaState();

    Run mount = zfleet("backups", "mount", replica + "@s1", "--config", config.toString());

    assertThat(mount.code).as(mount.err).isZero();
    DatasetName clone = BackupMounts.cloneName(replica.snapshot("s1"));
    Path mountpoint = dir.resolve("data/mounts").resolve(clone.leaf());
    assertThat(mount.out).contains("mounted " + replica + "@s1 read-only at " + mountpoint);
    assertThat(Files.readAllBytes(mountpoint.resolve("a.bin"))).isEqualTo(first);
    assertThat(mountpoint.resolve("b.bin")).doesNotExist();
    assertThat(Files.isWritable(mountpoint) && canWrite(mountpoint)).as("writable").isFalse();
    assertThat(zfs("get", "-H", "-o", "value", BackupMounts.MOUNT_OF, clone.value()).strip())
        .isEqualTo(replica + "@s1");
    assertThat(zfleet("backups", "mount", replica + "@s1", "--config", config.toString()).out)
        .startsWith("already mounted: ");

    Run unmount = zfleet("backups", "unmount", replica + "@s1", "--config", config.toString());

    assertThat(unmount.code).as(unmount.err).isZero();
    assertThat(RealZfsFixture.run(List.of("zfs", "list", clone.value())).code()).isNotZero();
    Run twice = zfleet("backups", "unmount", replica + "@s1", "--config", config.toString());
    assertThat(twice.code).isEqualTo(1);
    assertThat(twice.err).contains("is not mounted");
    assertThat(replicaState()).isEqualTo(replicaBefore);
  }

  // ---- helpers

  private static boolean canWrite(Path directory) {
    try {
      Files.writeString(directory.resolve("probe"), "x");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Snapshots with guids and holds, and the properties set on the replica itself. */
  private String replicaState() {
    return zfs("list", "-H", "-o", "name,guid,userrefs", "-t", "snapshot", "-r", replica.value())
        + zfs("get", "-H", "-o", "property,value", "-s", "local", "all", replica.value())
        + zfs("list", "-H", "-o", "name", "-r", sinkRoot.value());
  }

  private static List<String> snapshots(DatasetName fs) {
    return zfs("list", "-H", "-o", "name", "-s", "createtxg", "-t", "snapshot", "-r", fs.value())
        .lines()
        .filter(l -> l.startsWith(fs + "@"))
        .map(l -> l.substring(fs.value().length() + 1))
        .toList();
  }

  private static List<String> datasets(DatasetName root) {
    return zfs("list", "-H", "-o", "name", "-r", root.value()).lines().toList();
  }

  private static String guid(String snapshot) {
    return zfs("get", "-Hp", "-o", "value", "guid", snapshot).strip();
  }

  /** A filesystem just written to can be busy for a moment on zfs-fuse. */
  private static void destroyWhenNotBusy(DatasetName fs) {
    RealZfsFixture.Result r = null;
    for (int attempt = 0; attempt < 40; attempt++) {
      r = RealZfsFixture.run(List.of("zfs", "destroy", "-r", fs.value()));
      if (r.code() == 0) {
        return;
      }
      sleep();
    }
    throw new AssertionError("cannot destroy " + fs + ": " + r.output());
  }

  /** zfs-fuse can serve pages cached before an incremental receive until a remount. */
  private static void remount(DatasetName fs) {
    for (int attempt = 0; attempt < 20; attempt++) {
      if (RealZfsFixture.run(List.of("zfs", "unmount", fs.value())).code() == 0) {
        break;
      }
      sleep();
    }
    zfs("mount", fs.value());
  }

  private static String zfs(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("zfs"));
    command.addAll(List.of(args));
    RealZfsFixture.Result r = RealZfsFixture.run(command);
    assertThat(r.code()).as(String.join(" ", command) + ": " + r.output()).isZero();
    return r.output();
  }

  private static void sh(String script) {
    RealZfsFixture.Result r = RealZfsFixture.run(List.of("bash", "-o", "pipefail", "-c", script));
    assertThat(r.code()).as(script + ": " + r.output()).isZero();
  }

  private record Run(int code, String out, String err) {}

  private static Run zfleet(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ZfleetCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  private static byte[] random(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  private static void sleep() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
