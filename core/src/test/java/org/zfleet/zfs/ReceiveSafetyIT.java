package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.zfleet.zfs.PortTransfers.receiveBytes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;

/**
 * What a stream can do to the receiving machine, on real zfs-fuse through {@link ZfsCli}: streams
 * are made with the {@code zfs} command line as a modified sender could make them, and received as
 * a sink receives every stream.
 */
@Timeout(120)
class ReceiveSafetyIT {

  private static ZfsCli zfs;
  private final RealZfsFixture fixture = new RealZfsFixture();
  private DatasetName source;
  private DatasetName sink;
  @TempDir Path dir;

  @BeforeAll
  static void realZfs() {
    RealZfsFixture.requirePools();
    zfs = ZfsCli.create(ZfsCliConfig.defaults());
  }

  @AfterAll
  static void close() {
    if (zfs != null) {
      zfs.close();
    }
  }

  @BeforeEach
  void filesystems() {
    source = fixture.scratch(RealZfsFixture.POOL_1, "ReceiveSafetyIT");
    sink = fixture.scratch(RealZfsFixture.POOL_2, "ReceiveSafetyIT-sink");
  }

  @AfterEach
  void cleanUp() {
    // A stream that was (wrongly) received and mounted elsewhere must not block the clean-up.
    RealZfsFixture.run(List.of("zfs", "unmount", "-f", sink.child("evil").value()));
    fixture.destroyAll();
  }

  @Test
  void aStreamCarryingPropertiesIsRefusedBeforeAnythingIsReceivedOrMounted() throws Exception {
    Path elsewhere = Files.createDirectory(dir.resolve("sbin"));
    zfs("set", "mountpoint=" + elsewhere, source.value());
    zfs("set", "setuid=on", source.value());
    zfs("set", "exec=on", source.value());
    Files.writeString(elsewhere.resolve("tool"), "#!/bin/sh\necho owned\n");
    zfs("snapshot", source.value() + "@a");
    byte[] stream = send("-p", source.value() + "@a");
    zfs("set", "mountpoint=none", source.value());
    DatasetName evil = sink.child("evil");

    assertThatThrownBy(() -> receiveBytes(zfs, ReceiveRequest.into(evil), stream))
        .isInstanceOf(ZfsException.class)
        .hasMessageContaining("properties");

    assertThat(zfs.list(List.of(evil), Set.of())).as("nothing received").isEmpty();
    assertThat(mountedAt(elsewhere)).as("nothing mounted on " + elsewhere).isFalse();
  }

  @Test
  void aReplicationStreamOfATreeIsRefused() {
    zfs("create", source.child("child").value());
    zfs("snapshot", "-r", source.value() + "@a");
    byte[] stream = send("-R", source.value() + "@a");
    DatasetName evil = sink.child("evil");

    assertThatThrownBy(() -> receiveBytes(zfs, ReceiveRequest.into(evil), stream))
        .isInstanceOf(ZfsException.class)
        .hasMessageContaining("several datasets");
    assertThat(zfs.list(List.of(evil), Set.of())).isEmpty();
  }

  @Test
  void everyReplicaIsLeftUnmountedReadOnlyAndWithoutSetuidExecOrDevices() {
    zfs("set", "setuid=on", source.value());
    zfs("snapshot", source.value() + "@a");
    DatasetName replica = sink.child("replica");

    receiveBytes(zfs, ReceiveRequest.into(replica), send(source.value() + "@a"));
    assertInert(replica);

    // Someone made it mountable again; the next receive puts it back.
    zfs("set", "readonly=off", replica.value());
    zfs("set", "exec=on", replica.value());
    zfs("snapshot", source.value() + "@b");
    receiveBytes(zfs, ReceiveRequest.into(replica), send("-i", "@a", source.value() + "@b"));
    assertInert(replica);
  }

  @Test
  void anIncrementalBatchIntoAMissingTargetIsRefusedAndTouchesNoOtherFilesystem() {
    zfs("snapshot", source.value() + "@a");
    DatasetName copy = sink.child("copy");
    receiveBytes(zfs, ReceiveRequest.into(copy), send(source.value() + "@a"));
    zfs("snapshot", source.value() + "@b");
    zfs("snapshot", source.value() + "@c");
    // -I makes a compound stream: its first record's base guid is 0.
    byte[] batch = send("-I", "@a", source.value() + "@c");
    DatasetName missing = sink.child("missing");

    assertThatThrownBy(() -> receiveBytes(zfs, ReceiveRequest.into(missing), batch))
        .isInstanceOf(ZfsException.NotFound.class)
        .hasMessageContaining(missing.value());

    assertThat(snapshots(copy)).containsExactly("a");
    assertThat(zfs.list(List.of(missing), Set.of())).isEmpty();
  }

  @Test
  void aForcedIncrementalNeverDestroysASnapshotMadeOnTheReplicaSinceItsBase() {
    zfs("snapshot", source.value() + "@a");
    DatasetName replica = sink.child("replica");
    receiveBytes(zfs, ReceiveRequest.into(replica), send(source.value() + "@a"));
    zfs("snapshot", replica.value() + "@operator");
    zfs("snapshot", source.value() + "@b");
    byte[] increment = send("-i", "@a", source.value() + "@b");

    assertThatThrownBy(
            () -> receiveBytes(zfs, new ReceiveRequest(replica, true, Map.of()), increment))
        .isInstanceOf(ZfsException.class)
        .hasMessageContaining("@operator");

    assertThat(snapshots(replica)).containsExactly("a", "operator");
  }

  @Test
  void aReplicaLeftMountedAndWritableByAnEarlierVersionTakesTheNextIncrementWithoutForce()
      throws Exception {
    DatasetName replica = mountedAsBefore();
    // ... and changed since its newest snapshot.
    RealZfsFixture.writeFile(replica, "changed-on-the-replica", new byte[] {1});
    zfs("snapshot", source.value() + "@b");
    byte[] increment = send("-i", "@a", source.value() + "@b");

    // While the pool is busy: zfs-fuse tears an unmounted filesystem down late (it waits for the
    // pool to sync), and a receive that ended meanwhile failed with an I/O error.
    try (PoolWriter busy = new PoolWriter(RealZfsFixture.mountpoint(sink).resolve("busy"))) {
      receiveBytes(zfs, ReceiveRequest.into(replica), increment);
    }

    assertThat(snapshots(replica)).containsExactly("a", "b");
    assertInert(replica);
  }

  @Test
  void aReplicaLeftMountedThatAProcessHoldsTakesItsIncrementAndStaysMountedReadOnly()
      throws Exception {
    RealZfsFixture.writeFile(source, "kept", new byte[] {1, 2, 3});
    DatasetName replica = mountedAsBefore();
    zfs("snapshot", source.value() + "@b");
    byte[] increment = send("-i", "@a", source.value() + "@b");

    Path mountpoint = RealZfsFixture.mountpoint(replica);

    // A reader inside the replica: it cannot be unmounted, and the increment still goes in.
    try (var reader = Files.newInputStream(mountpoint.resolve("kept"))) {
      receiveBytes(zfs, ReceiveRequest.into(replica), increment);

      assertThat(snapshots(replica)).containsExactly("a", "b");
      assertThat(property(replica, "mounted")).as("mounted").isEqualTo("yes");
      assertThat(property(replica, "canmount")).as("canmount").isEqualTo("noauto");
      // zfs-fuse reports a mounted filesystem's readonly from its (read-write) FUSE mount; what
      // counts is that nothing can be written.
      assertThatThrownBy(() -> Files.writeString(mountpoint.resolve("new"), "x"))
          .isInstanceOf(IOException.class);
    }

    // Once nothing holds it, the next increment leaves it unmounted.
    zfs("snapshot", source.value() + "@c");
    receiveBytes(zfs, ReceiveRequest.into(replica), send("-i", "@b", source.value() + "@c"));
    assertThat(snapshots(replica)).containsExactly("a", "b", "c");
    assertInert(replica);
  }

  @Test
  void theReceivingNodesOwnListingTellsAnInertReplicaFromOneMadeWritableOrMounted() {
    zfs("snapshot", source.value() + "@a");
    DatasetName replica = sink.child("replica");
    receiveBytes(zfs, ReceiveRequest.into(replica), send(source.value() + "@a"));

    assertThat(listed(replica).inertReplica()).as("as received").isTrue();
    assertThat(zfs.list(List.of(replica), Set.of()).get(0).inertReplica())
        .as("listed without the receive state")
        .isFalse();

    zfs("set", "readonly=off", replica.value());
    zfs("set", "canmount=on", replica.value());
    zfs("mount", replica.value());
    assertThat(listed(replica).inertReplica()).as("mounted and writable").isFalse();
    zfs("unmount", replica.value());
    zfs("set", "readonly=on", replica.value());
    zfs("set", "canmount=noauto", replica.value());
    assertThat(listed(replica).inertReplica()).as("put back").isTrue();
    zfs("set", "mountpoint=" + dir.resolve("own"), replica.value());
    assertThat(listed(replica).inertReplica()).as("a mountpoint of its own").isFalse();
  }

  @Test
  void anIncrementIntoAListedInertReplicaAsksZfsNothingAndNeverDestroysWhatTheListingMissed() {
    zfs("snapshot", source.value() + "@a");
    DatasetName replica = sink.child("replica");
    receiveBytes(zfs, ReceiveRequest.into(replica), send(source.value() + "@a"));
    zfs("snapshot", source.value() + "@b");
    List<String> commands = new CopyOnWriteArrayList<>();
    try (ZfsCli own = ZfsCli.create(ZfsCliConfig.defaults())) {
      own.commandListener((command, took, ok) -> commands.add(String.join(" ", command)));
      List<FilesystemVersion> asListed = listed(replica).versions();

      receiveBytes(
          own,
          ReceiveRequest.intoListedReplica(replica, asListed),
          send("-i", "@a", source.value() + "@b"));

      // Short commands only (the receive streams): the usage text read once to probe receive -o.
      assertThat(commands).as("zfs commands besides the receive").noneMatch(c -> c.contains("get"));
      assertThat(snapshots(replica)).containsExactly("a", "b");

      // The listing is stale: a snapshot was made on the replica since. Without -F nothing is
      // destroyed whatever zfs decides: zfs-fuse receives the increment on top and keeps the
      // operator's snapshot; a ZFS that refuses it keeps everything as it was.
      zfs("snapshot", replica.value() + "@operator");
      zfs("snapshot", source.value() + "@c");
      List<FilesystemVersion> stale = listed(replica).versions().subList(0, 2);
      try {
        receiveBytes(
            own,
            ReceiveRequest.intoListedReplica(replica, stale),
            send("-i", "@b", source.value() + "@c"));
      } catch (ZfsException refused) {
        assertThat(snapshots(replica)).containsExactly("a", "b", "operator");
      }
      assertThat(snapshots(replica)).startsWith("a", "b", "operator");
    }
  }

  // ---- helpers

  private static DatasetListing listed(DatasetName replica) {
    return zfs.list(List.of(replica), DatasetListing.RECEIVE_STATE).get(0);
  }

  /** The source's @a received as replicas were before they were inert: mounted and writable. */
  private DatasetName mountedAsBefore() {
    zfs("snapshot", source.value() + "@a");
    DatasetName replica = sink.child("replica");
    receiveBytes(zfs, ReceiveRequest.into(replica), send(source.value() + "@a"));
    zfs("set", "readonly=off", replica.value());
    zfs("set", "canmount=on", replica.value());
    zfs("mount", replica.value());
    return replica;
  }

  /**
   * Keeps rewriting a file of fresh data in the pool until closed; constructed once it has written
   * the file twice, so the pool has data to sync.
   */
  private static final class PoolWriter implements AutoCloseable {
    private final Thread thread;
    private final java.util.concurrent.CountDownLatch busy = new CountDownLatch(2);
    private volatile boolean closed;

    PoolWriter(Path file) throws InterruptedException {
      byte[] chunk = new byte[1 << 20];
      ThreadLocalRandom.current().nextBytes(chunk);
      thread =
          new Thread(
              () -> {
                long round = 0;
                while (!closed) {
                  chunk[0] = (byte) round++;
                  try (var out = Files.newOutputStream(file)) {
                    for (int i = 0; i < 16 && !closed; i++) {
                      out.write(chunk);
                    }
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  busy.countDown();
                }
              },
              "pool-writer");
      thread.start();
      assertThat(busy.await(60, TimeUnit.SECONDS)).as("the pool is being written").isTrue();
    }

    @Override
    public void close() throws InterruptedException {
      closed = true;
      thread.join();
    }
  }

  private void assertInert(DatasetName replica) {
    assertThat(property(replica, "mounted")).as("mounted").isEqualTo("no");
    assertThat(property(replica, "readonly")).as("readonly").isEqualTo("on");
    assertThat(property(replica, "setuid")).as("setuid").isEqualTo("off");
    assertThat(property(replica, "exec")).as("exec").isEqualTo("off");
    assertThat(property(replica, "devices")).as("devices").isEqualTo("off");
    assertThat(property(replica, "canmount")).as("canmount").isEqualTo("noauto");
  }

  private static String property(DatasetName fs, String property) {
    return zfs("get", "-H", "-o", "value", property, fs.value()).strip();
  }

  private static List<String> snapshots(DatasetName fs) {
    return zfs(
            "list", "-H", "-o", "name", "-t", "snapshot", "-s", "createtxg", "-d", "1", fs.value())
        .lines()
        .map(l -> l.substring(l.indexOf('@') + 1))
        .toList();
  }

  private static boolean mountedAt(Path path) throws IOException {
    return Files.readAllLines(Path.of("/proc/mounts")).stream()
        .anyMatch(line -> line.split(" ")[1].equals(path.toString()));
  }

  private static String zfs(String... args) {
    List<String> command = new ArrayList<>(List.of("zfs"));
    command.addAll(List.of(args));
    RealZfsFixture.Result r = RealZfsFixture.run(command);
    assertThat(r.code()).as(String.join(" ", command) + ": " + r.output()).isZero();
    return r.output();
  }

  /** The bytes of {@code zfs send ARGS}, as a modified sender would send them. */
  private static byte[] send(String... args) {
    List<String> command = new ArrayList<>(List.of("zfs", "send"));
    command.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
      return out;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
