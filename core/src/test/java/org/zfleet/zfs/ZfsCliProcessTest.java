package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;

/** How {@link ZfsCli} runs processes: deadlines, kills, the gate, big outputs, stream guards. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZfsCliProcessTest {

  @TempDir Path dir;

  private static final SnapshotName SNAP = SnapshotName.parse("pool/fs@s");

  /** Sleeps in a child it started, after writing both process ids. */
  private static final String HANG =
      "sleep 600 & echo $! > \"$DIR/child.pid\"\n" + "echo $$ > \"$DIR/parent.pid\"\nwait";

  private static ZfsCli cli(FakeZfs fake, Duration deadline, int permits) {
    ZfsCliConfig config =
        ZfsCliConfig.defaults()
            .withBinaries(fake.binary(), Path.of("zpool"))
            .withTimeouts(deadline, deadline, deadline)
            .withMaxConcurrentCommands(permits);
    return ZfsCli.withCapabilities(config, ZfsCapabilities.zfsFuse());
  }

  @Test
  void aHangingCommandTimesOutAndDiesWithItsChildren() throws Exception {
    FakeZfs fake = FakeZfs.create(dir, HANG);
    try (ZfsCli zfs = cli(fake, Duration.ofSeconds(2), 4)) {
      assertThatThrownBy(() -> zfs.destroySnapshot(SNAP))
          .isInstanceOf(ZfsException.Timeout.class)
          .hasMessageContaining("killed with its children");
    }
    assertGone(fake.pid("parent.pid"), fake.pid("child.pid"));
  }

  @Test
  void aKilledSendDiesWithItsChildrenAndFailsItsCompletion() throws Exception {
    FakeZfs fake = FakeZfs.create(dir, HANG);
    try (ZfsCli zfs = cli(fake, Duration.ofSeconds(30), 4)) {
      SendProcess send = zfs.send(SendRequest.full(SNAP));
      awaitFile(dir.resolve("parent.pid"));
      send.kill();
      assertThat(PortTransfers.await(send.completion()))
          .isInstanceOf(ZfsException.StreamFailed.class)
          .hasMessageContaining("killed");
    }
    assertGone(fake.pid("parent.pid"), fake.pid("child.pid"));
  }

  @Test
  void aKilledReceiveDiesWithItsChildrenAndFailsItsCompletion() throws Exception {
    FakeZfs fake = FakeZfs.create(dir, "case $1 in\n  receive) " + HANG + ";;\nesac");
    try (ZfsCli zfs = cli(fake, Duration.ofSeconds(30), 4)) {
      ReceiveProcess receive = zfs.receive(ReceiveRequest.into(DatasetName.of("pool/fs")));
      // zfs receive starts once the stream's first record has been read.
      receive.stdin().write(header(0));
      awaitFile(dir.resolve("parent.pid"));
      receive.kill();
      assertThat(PortTransfers.await(receive.completion()))
          .isInstanceOf(ZfsException.StreamFailed.class)
          .hasMessageContaining("killed");
    }
    assertGone(fake.pid("parent.pid"), fake.pid("child.pid"));
  }

  @Test
  void aSendPastItsDeadlineTimesOutAndDiesWithItsChildren() throws Exception {
    FakeZfs fake = FakeZfs.create(dir, HANG);
    try (ZfsCli zfs = cli(fake, Duration.ofSeconds(2), 4)) {
      SendProcess send = zfs.send(SendRequest.full(SNAP));
      assertThat(send.stdout().readAllBytes()).isEmpty();
      assertThat(PortTransfers.await(send.completion())).isInstanceOf(ZfsException.Timeout.class);
    }
    assertGone(fake.pid("parent.pid"), fake.pid("child.pid"));
  }

  @Test
  void theGateLetsOneCommandRunAtATimeButNotSendsAndReceives() throws Exception {
    FakeZfs fake =
        FakeZfs.create(
            dir,
            "case $1 in\n"
                + "  hold) echo \"start $$\" >> \"$DIR/order.log\"; sleep 0.3;"
                + " echo \"end $$\" >> \"$DIR/order.log\";;\n"
                + "  send) "
                + HANG
                + ";;\n"
                + "esac");
    try (ZfsCli zfs = cli(fake, Duration.ofSeconds(30), 1)) {
      SendProcess hanging = zfs.send(SendRequest.full(SNAP));
      awaitFile(dir.resolve("parent.pid"));
      List<CompletableFuture<Void>> holds = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String tag = "t" + i;
        holds.add(CompletableFuture.runAsync(() -> zfs.hold(SNAP, tag)));
      }
      CompletableFuture.allOf(holds.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      hanging.kill();
    }
    List<String> order = Files.readAllLines(dir.resolve("order.log"));
    assertThat(order).hasSize(6);
    for (int i = 0; i < order.size(); i += 2) {
      assertThat(order.get(i)).startsWith("start ");
      assertThat(order.get(i + 1)).isEqualTo("end " + order.get(i).substring("start ".length()));
    }
  }

  @Test
  void largeOutputsAreDrainedAndStderrIsKeptBounded() {
    FakeZfs fake =
        FakeZfs.create(
            dir, "head -c 1000000 /dev/zero | tr '\\0' e >&2; head -c 1000000 /dev/zero; exit 1");
    try (ZfsCli zfs = cli(fake, Duration.ofSeconds(20), 4)) {
      assertThatThrownBy(() -> zfs.holds(SNAP))
          .isInstanceOf(ZfsException.Failed.class)
          .satisfies(
              e ->
                  assertThat(((ZfsException) e).stderr())
                      .hasSizeLessThan(ProcessRunner.STDERR_LIMIT + 100)
                      .endsWith("more bytes of stderr dropped)"))
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
    }
  }

  @Test
  void aListingOfManyDatasetsIsOneCommand() {
    int n = 3000;
    FakeZfs fake =
        FakeZfs.create(
            dir,
            "for i in $(seq 1 "
                + n
                + "); do\n"
                + "  printf 'pool/fs%s\\ttype\\tfilesystem\\t-\\n' $i\n"
                + "  printf 'pool/fs%s\\tguid\\t18446744073709551615\\t-\\n' $i\n"
                + "  printf 'pool/fs%s\\tcreatetxg\\t%s\\t-\\n' $i $i\n"
                + "  printf 'pool/fs%s\\tcreation\\t1700000000\\t-\\n' $i\n"
                + "  printf 'pool/fs%s\\tzfleet:x\\tv%s\\tlocal\\n' $i $i\n"
                + "done");
    try (ZfsCli zfs = cli(fake, Duration.ofSeconds(30), 4)) {
      List<DatasetListing> listing = zfs.list(List.of(DatasetName.of("pool")), Set.of("zfleet:x"));
      assertThat(listing).hasSize(n);
      assertThat(listing.get(0).properties()).isEqualTo(Map.of("zfleet:x", "v1"));
    }
    assertThat(fake.calls())
        .containsExactly(
            "get -Hp -r -o name,property,value,source type,guid,createtxg,creation,zfleet:x pool");
  }

  @Test
  void anIncrementalStreamIntoAMissingTargetNeverReachesZfs() throws Exception {
    FakeZfs fake = FakeZfs.create(dir, receiver());
    try (ZfsCli zfs = cli(fake, Duration.ofSeconds(20), 4)) {
      ReceiveProcess receive = zfs.receive(ReceiveRequest.into(DatasetName.of("pool/new")));
      OutputStream in = receive.stdin();
      assertThatThrownBy(() -> in.write(header(12345L))).isInstanceOf(IOException.class);
      assertThat(PortTransfers.await(receive.completion()))
          .isInstanceOf(ZfsException.NotFound.class)
          .hasMessageContaining("pool/new");
    }
    Path received = dir.resolve("received.bin");
    assertThat(!Files.exists(received) || Files.size(received) == 0).isTrue();
  }

  @Test
  void aFullStreamIntoANewTargetIsReceivedAndGetsItsProperties() throws Exception {
    FakeZfs fake = FakeZfs.create(dir, receiver());
    byte[] stream = concat(header(0), end());
    try (ZfsCli zfs = cli(fake, Duration.ofSeconds(20), 4)) {
      ReceiveProcess receive =
          zfs.receive(
              new ReceiveRequest(DatasetName.of("pool/new"), false, Map.of("zfleet:origin", "a")));
      receive.stdin().write(stream, 0, 10);
      receive.stdin().write(stream, 10, stream.length - 10);
      receive.stdin().close();
      assertThat(PortTransfers.await(receive.completion())).isNull();
    }
    assertThat(Files.readAllBytes(dir.resolve("received.bin"))).isEqualTo(stream);
    assertThat(fake.calls())
        .containsExactly(
            "get -Hp -d 1 -o name,property,value,source"
                + " guid,createtxg,canmount,readonly,setuid,exec,devices,mountpoint,mounted"
                + " pool/new",
            "receive -u pool/new",
            "set zfleet:origin=a pool/new",
            "set canmount=noauto pool/new",
            "set readonly=on pool/new",
            "set setuid=off pool/new",
            "set exec=off pool/new",
            "set devices=off pool/new");
  }

  @Test
  void zfsFuseInternalErrorsOnStdoutAreReported() {
    FakeZfs fake =
        FakeZfs.create(
            dir, "echo 'internal error: /usr/lib/zfs/pyzfs.py not found'\n" + "exit 255");
    try (ZfsCli zfs =
        ZfsCli.withCapabilities(
            ZfsCliBadInputTest.config(fake.binary()), ZfsCapabilities.openZfs())) {
      assertThatThrownBy(() -> zfs.holds(SNAP))
          .isInstanceOf(ZfsException.Failed.class)
          .hasMessageContaining("pyzfs.py not found");
    }
  }

  /** A zfs whose get finds nothing and whose receive keeps its stdin. */
  private static String receiver() {
    return "case $1 in\n"
        + "  get) echo \"cannot open '${@: -1}': dataset does not exist\" >&2; exit 1;;\n"
        + "  receive) cat > \"$DIR/received.bin\";;\n"
        + "esac";
  }

  /** The BEGIN record of a little-endian send stream of pool/src@s with the given base guid. */
  static byte[] header(long fromGuid) {
    ByteBuffer b = ByteBuffer.allocate(312).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(8, 0x2F5BACBACL);
    b.putLong(16, 1);
    b.putLong(40, 999);
    b.putLong(48, fromGuid);
    b.put(56, "pool/src@s".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return b.array();
  }

  /** An END record. */
  static byte[] end() {
    return ByteBuffer.allocate(312).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 5).array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static void awaitFile(Path file) throws InterruptedException {
    for (int i = 0; i < 200 && !Files.exists(file); i++) {
      Thread.sleep(50);
    }
    assertThat(file).exists();
  }

  private static void assertGone(long... pids) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      boolean any = false;
      for (long pid : pids) {
        any |= FakeZfs.running(pid);
      }
      if (!any) {
        return;
      }
      Thread.sleep(50);
    }
    for (long pid : pids) {
      assertThat(FakeZfs.running(pid)).as("process %d still runs", pid).isFalse();
    }
  }
}
