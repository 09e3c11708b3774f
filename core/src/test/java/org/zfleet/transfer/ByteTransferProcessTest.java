package org.zfleet.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * pipe nobody serves.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ByteTransferProcessTest {

  private static final SnapshotName SNAPSHOT = SnapshotName.parse("pool/fs@s1");
  private static final DatasetName TARGET = DatasetName.of("backup/fs");

  /**
   * Writes its pid to {@code <verb>.pid} (atomically), then behaves as {@code <verb>.mode} says:
   * {@code endless} sends zeros until killed, {@code take} reads its stdin to the end, {@code fail}
   * moves 1 MiB and exits with an error.
   */
  private static final String SCRIPT =
      String.join(
          "\n",
          "#!/bin/bash",
          "DIR=\"$(dirname \"$0\")\"",
          "case \"$1\" in",
          "  list) exit 0 ;;",
          "  send|receive)",
          "    echo $$ > \"$DIR/$1.pid.tmp\" && mv \"$DIR/$1.pid.tmp\" \"$DIR/$1.pid\"",
          "    case \"$1:$(cat \"$DIR/$1.mode\")\" in",
          "      send:endless) exec cat /dev/zero ;;",
          "      send:fail) head -c 1048576 /dev/zero; echo 'cannot send: I/O error' >&2; exit 1 ;;",
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
    assertGoneAndReaped(pair);
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

  private record Pair(SendProcess send, ReceiveProcess receive, long sendPid, long receivePid) {}

  /** Starts both processes and waits until each has said who it is. */
  private Pair start(String sendMode, String receiveMode) {
    write("send.mode", sendMode);
    write("receive.mode", receiveMode);
    SendProcess send = zfs.send(SendRequest.full(SNAPSHOT));
    ReceiveProcess receive = zfs.receive(ReceiveRequest.into(TARGET));
    return new Pair(send, receive, pid("send.pid"), pid("receive.pid"));
  }

  private TransferFailedException failureOf(Pair pair) {
    return ByteTransferTest.failureOf(
        ByteTransfer.start(
                pair.send,
                pair.receive,
                TransferOptions.defaults(),
                ProgressListener.NONE,
                materializer)
            .result()
            .toCompletableFuture());
  }

  /**
   * Once the result has failed, neither process may run or wait as a zombie to be reaped: its
   * {@code /proc} entry is gone (the JVM reaps the children it started as soon as they exit).
   */
  private static void assertGoneAndReaped(Pair pair) {
    for (long pid : new long[] {pair.sendPid, pair.receivePid}) {
      awaitTrue("process " + pid + " gone and reaped", () -> !Files.exists(procOf(pid)));
      assertThat(ProcessHandle.of(pid)).isEmpty();
    }
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
