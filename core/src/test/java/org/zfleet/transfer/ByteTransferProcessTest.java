package org.zfleet.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.SendRequest;
import org.zfleet.zfs.ZfsCapabilities;
import org.zfleet.zfs.ZfsCli;
import org.zfleet.zfs.ZfsCliConfig;

/**
 * The byte path between real processes, started by {@link ZfsCli} from a stand-in {@code zfs}
 * script: whatever fails, and whenever (while the transfer is being set up, the sender, the
 * receiver), both processes are killed and reaped before the result fails, never left waiting on a
 * pipe nobody serves. The sender writes a well-formed stream (a BEGIN record, then FREE records),
 * since {@code zfs receive} starts only once the stream's first record has passed the inspector.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ByteTransferProcessTest {

  private static final SnapshotName SNAPSHOT = SnapshotName.parse("pool/fs@s1");
  private static final DatasetName TARGET = DatasetName.of("backup/fs");

  /**
   * Writes its pid to {@code <verb>.pid} (atomically), then behaves as {@code <verb>.mode} says:
   * {@code endless} sends a stream's BEGIN record and FREE records until killed, {@code take} reads
   * its stdin to the end, {@code fail} moves about 1 MiB and exits with an error once the receive
   * has started (or 10 s passed), since a receive starts only when the stream's first record
   * reaches it. The target does not exist ({@code get}); setting properties succeeds.
   */
  private static final String SCRIPT =
      String.join(
          "\n",
          "#!/bin/bash",
          "DIR=\"$(dirname \"$0\")\"",
          "case \"$1\" in",
          "  list|set|inherit) exit 0 ;;",
          "  get) echo \"cannot open '${@: -1}': dataset does not exist\" >&2; exit 1 ;;",
          "  send|receive)",
          "    echo $$ > \"$DIR/$1.pid.tmp\" && mv \"$DIR/$1.pid.tmp\" \"$DIR/$1.pid\"",
          "    case \"$1:$(cat \"$DIR/$1.mode\")\" in",
          "      send:endless) cat \"$DIR/begin.bin\" || exit 1;"
              + " while :; do cat \"$DIR/free.bin\" || exit 1; done ;;",
          "      send:fail) cat \"$DIR/begin.bin\" \"$DIR/free.bin\";"
              + " for i in $(seq 200); do [ -e \"$DIR/receive.pid\" ] && break; sleep 0.05; done;"
              + " echo 'cannot send: I/O error' >&2; exit 1 ;;",
          "      receive:take) exec cat > /dev/null ;;",
          "      receive:fail) head -c 1048576 > /dev/null;"
              + " echo 'cannot receive: checksum mismatch' >&2; exit 1 ;;",
          "    esac ;;",
          "esac",
          "");

  private static ActorTestKit testKit;
  private static Materializer materializer;

  @TempDir Path dir;
  private ZfsCli zfs;

  @BeforeAll
  static void startSystem() {
    testKit = ActorTestKit.create("ByteTransferProcessTest");
    materializer = Materializer.matFromSystem(testKit.system());
  }

  @AfterAll
  static void stopSystem() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void fakeZfs() throws IOException {
    Files.write(dir.resolve("begin.bin"), beginRecord());
    Files.write(dir.resolve("free.bin"), freeRecords(3360));
    Path script = dir.resolve("zfs");
    Files.writeString(script, SCRIPT);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    ZfsCliConfig config =
        ZfsCliConfig.defaults()
            .withBinaries(script, Path.of("zpool"))
            .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(5));
    zfs = ZfsCli.withCapabilities(config, ZfsCapabilities.zfsFuse());
  }

  @AfterEach
  void close() {
    zfs.close();
  }

  /** The BEGIN record of a full stream of {@link #SNAPSHOT} (little-endian, as on x86). */
  private static byte[] beginRecord() {
    ByteBuffer r = ByteBuffer.allocate(312).order(ByteOrder.LITTLE_ENDIAN);
    r.putInt(0, 0); // BEGIN, no payload
    r.putLong(8, 0x2F5BACBACL); // the stream magic
    r.putLong(16, 1); // a substream, no features
    r.putLong(40, 42); // to guid; from guid 0: a full stream
    byte[] name = SNAPSHOT.full().getBytes(StandardCharsets.UTF_8);
    r.put(56, name, 0, name.length);
    return r.array();
  }

  /** {@code count} FREE records (type 4, no payload). */
  private static byte[] freeRecords(int count) {
    ByteBuffer r = ByteBuffer.allocate(312 * count).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      r.putInt(312 * i, 4);
    }
    return r.array();
  }

  @Test
  void aFailureWhileTheTransferIsSetUpKillsAndReapsBothProcesses() {
    Pair pair = start("endless", "take");
    Materializer shutDown = Materializer.createMaterializer(testKit.system());
    shutDown.shutdown();

    RunningTransfer transfer =
        ByteTransfer.start(
            pair.send, pair.receive, TransferOptions.defaults(), ProgressListener.NONE, shutDown);

    TransferFailedException failure =
        ByteTransferTest.failureOf(transfer.result().toCompletableFuture());
    assertThat(failure.reason()).isEqualTo(TransferFailedException.Reason.STREAM_FAILED);
    assertThat(failure.getMessage()).contains("not set up");
    assertGoneAndReaped(pair.sendPid);
    // No byte reached the receive, so its zfs receive was never started, and never will be.
    assertThat(dir.resolve("receive.pid")).doesNotExist();
    assertThat(pair.receive.completion().toCompletableFuture()).isCompletedExceptionally();
  }

  @Test
  void aFailedSenderKillsAndReapsBothProcesses() {
    Pair pair = start("fail", "take");

    TransferFailedException failure = failureOf(pair);

    assertThat(failure.reason()).isEqualTo(TransferFailedException.Reason.SEND_FAILED);
    assertThat(failure.sendStderr()).contains("I/O error");
    assertGoneAndReaped(pair);
  }

  @Test
  void aFailedReceiverKillsAndReapsBothProcesses() {
    Pair pair = start("endless", "fail");

    TransferFailedException failure = failureOf(pair);

    assertThat(failure.reason()).isEqualTo(TransferFailedException.Reason.RECEIVE_FAILED);
    assertThat(failure.receiveStderr()).contains("checksum mismatch");
    assertGoneAndReaped(pair);
  }

  @Test
  void aCancelledTransferKillsAndReapsBothProcesses() {
    Pair pair = start("endless", "take");
    RunningTransfer transfer =
        ByteTransfer.start(
            pair.send,
            pair.receive,
            TransferOptions.defaults(),
            ProgressListener.NONE,
            materializer);
    awaitTrue("bytes moved", () -> transfer.bytesSoFar() > 1 << 20);

    transfer.cancel();

    assertThat(ByteTransferTest.failureOf(transfer.result().toCompletableFuture()).reason())
        .isEqualTo(TransferFailedException.Reason.CANCELLED);
    assertGoneAndReaped(pair);
  }

  private record Pair(SendProcess send, ReceiveProcess receive, long sendPid) {}

  /**
   * Starts the sender and waits until it has said who it is; the receive's process starts once the
   * stream's first record reaches it.
   */
  private Pair start(String sendMode, String receiveMode) {
    write("send.mode", sendMode);
    write("receive.mode", receiveMode);
    SendProcess send = zfs.send(SendRequest.full(SNAPSHOT));
    ReceiveProcess receive = zfs.receive(ReceiveRequest.into(TARGET));
    return new Pair(send, receive, pid("send.pid"));
  }

  /** Runs the transfer to its failure; the receive process ran meanwhile. */
  private TransferFailedException failureOf(Pair pair) {
    TransferFailedException failure =
        ByteTransferTest.failureOf(
            ByteTransfer.start(
                    pair.send,
                    pair.receive,
                    TransferOptions.defaults(),
                    ProgressListener.NONE,
                    materializer)
                .result()
                .toCompletableFuture());
    assertThat(dir.resolve("receive.pid")).as("the receive was started").exists();
    return failure;
  }

  /**
   * Once the result has failed, neither process may run or wait as a zombie to be reaped: its
   * {@code /proc} entry is gone (the JVM reaps the children it started as soon as they exit).
   */
  private void assertGoneAndReaped(Pair pair) {
    assertGoneAndReaped(pair.sendPid);
    assertGoneAndReaped(pid("receive.pid"));
  }

  private static void assertGoneAndReaped(long pid) {
    awaitTrue("process " + pid + " gone and reaped", () -> !Files.exists(procOf(pid)));
    assertThat(ProcessHandle.of(pid)).isEmpty();
  }

  private static Path procOf(long pid) {
    return Path.of("/proc", Long.toString(pid));
  }

  private void write(String name, String text) {
    try {
      Files.writeString(dir.resolve(name), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long pid(String name) {
    Path file = dir.resolve(name);
    awaitTrue(name + " written", () -> Files.exists(file));
    try {
      return Long.parseLong(Files.readString(file).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within 20 s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
