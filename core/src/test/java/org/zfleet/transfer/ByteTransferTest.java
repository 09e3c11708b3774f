package org.zfleet.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ByteTransferTest {

  private static final int CHUNK = 8 * 1024;
  private static final TransferOptions OPTIONS = TransferOptions.defaults().withChunkSize(CHUNK);

  private static ActorTestKit testKit;
  private static Materializer materializer;

  @BeforeAll
  static void startSystem() {
    testKit = ActorTestKit.create("ByteTransferTest");
    materializer = Materializer.matFromSystem(testKit.system());
  }

  @AfterAll
  static void stopSystem() {
    testKit.shutdownTestKit();
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(longs = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 65536, 3 * 1024 * 1024 + 17})
  void receiverGetsExactlyTheSentBytes(long length) {
    FakeSendProcess send = FakeSendProcess.of(length, 42);
    FakeReceiveProcess receive = FakeReceiveProcess.accepting();

    TransferResult result = run(send, receive, OPTIONS, ProgressListener.NONE).join();

    assertThat(result.bytes()).isEqualTo(length);
    assertThat(receive.consumed()).isEqualTo(length);
    assertThat(receive.sha256()).isEqualTo(FakeSendProcess.sha256Of(length, 42));
    assertThat(receive.closedCleanly()).isTrue();
    assertThat(receive.killed()).isFalse();
    assertThat(send.killed()).isFalse();
  }

  @Test
  void progressIsReportedMonotonicallyAndEndsWithTheTotal() {
    long length = 5L * 1024 * 1024;
    List<TransferProgress> reports = new CopyOnWriteArrayList<>();
    TransferOptions options = OPTIONS.withProgressEvery(Duration.ofHours(1), 256 * 1024);

    run(FakeSendProcess.of(length, 7), FakeReceiveProcess.accepting(), options, reports::add)
        .join();

    assertThat(reports).hasSizeGreaterThanOrEqualTo((int) (length / (256 * 1024)));
    for (int i = 1; i < reports.size(); i++) {
      assertThat(reports.get(i).bytes()).isGreaterThanOrEqualTo(reports.get(i - 1).bytes());
      assertThat(reports.get(i).elapsed()).isGreaterThanOrEqualTo(reports.get(i - 1).elapsed());
    }
    TransferProgress last = reports.get(reports.size() - 1);
    assertThat(last.finished()).isTrue();
    assertThat(last.bytes()).isEqualTo(length);
    assertThat(reports.subList(0, reports.size() - 1)).noneMatch(TransferProgress::finished);
  }

  @Test
  void slowReceiverHoldsTheSenderBackWithinTheBound() {
    long length = 64L * 1024 * 1024;
    FakeSendProcess send = FakeSendProcess.of(length, 3);
    FakeReceiveProcess receive = FakeReceiveProcess.accepting().gated();
    RunningTransfer transfer =
        ByteTransfer.start(send, receive, OPTIONS, ProgressListener.NONE, materializer);
    long bound = OPTIONS.maxBytesInFlight();

    long allowed = 0;
    for (int step = 0; step < 40; step++) {
      allowed += 128 * 1024;
      receive.allow(128 * 1024);
      long target = allowed;
      awaitTrue(() -> receive.consumed() == target);
      // Let the sender run ahead if nothing holds it back.
      sleep(20);
      assertThat(send.bytesRead() - receive.consumed())
          .as("bytes read from the sender but not yet consumed, after %d consumed", allowed)
          .isLessThanOrEqualTo(bound);
    }
    assertThat(bound).isLessThan(length / 100);
    receive.allow(Long.MAX_VALUE);

    assertThat(transfer.result().toCompletableFuture().join().bytes()).isEqualTo(length);
  }

  @ParameterizedTest(name = "{0} B/s")
  @ValueSource(longs = {1_000_000_001L, 2L << 30, 10L << 40, Long.MAX_VALUE / 2})
  void aLimitAboveOneGigabytePerSecondMovesTheWholeStream(long limit) {
    long length = 8L * 1024 * 1024 + 5;
    FakeReceiveProcess receive = FakeReceiveProcess.accepting();

    TransferResult result =
        run(
                FakeSendProcess.of(length, 13),
                receive,
                TransferOptions.defaults().withBandwidthLimit(limit),
                ProgressListener.NONE)
            .join();

    assertThat(result.bytes()).isEqualTo(length);
    assertThat(receive.sha256()).isEqualTo(FakeSendProcess.sha256Of(length, 13));
    assertThat(receive.closedCleanly()).isTrue();
  }

  @Test
  void theLowestLimitConfigurationAcceptsWorks() {
    long length = 1500;
    FakeReceiveProcess receive = FakeReceiveProcess.accepting();

    TransferResult result =
        run(
                FakeSendProcess.of(length, 19),
                receive,
                OPTIONS.withBandwidthLimit(BandwidthLimit.MIN_BYTES_PER_SECOND),
                ProgressListener.NONE)
            .join();

    assertThat(result.bytes()).isEqualTo(length);
    assertThat(receive.sha256()).isEqualTo(FakeSendProcess.sha256Of(length, 19));
  }

  /**
   * A limit still limits: the stream cannot end before its bytes, less the bucket's initial burst
   * (a tenth of a second's worth), have had their time at the limit. A lower bound only: a slow
   * machine makes it longer, never shorter.
   */
  @Test
  void aLowLimitHoldsTheStreamToItsRate() {
    long limit = 1L << 20;
    long length = 2L << 20;
    long start = System.nanoTime();

    TransferResult result =
        run(
                FakeSendProcess.of(length, 17),
                FakeReceiveProcess.accepting(),
                OPTIONS.withBandwidthLimit(limit),
                ProgressListener.NONE)
            .join();

    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    assertThat(result.bytes()).isEqualTo(length);
    assertThat(elapsed)
        .isGreaterThanOrEqualTo(Duration.ofMillis((length - limit / 10) * 1000 / limit));
  }

  @Test
  void failedReceiveKillsTheSenderAndReportsBothStderrs() {
    FakeSendProcess send = FakeSendProcess.endless(5);
    FakeReceiveProcess receive =
        FakeReceiveProcess.failingAfter(
            1024 * 1024, "cannot receive incremental stream: destination modified");

    TransferFailedException failure = failureOf(run(send, receive, OPTIONS, ProgressListener.NONE));

    assertThat(failure.reason()).isEqualTo(TransferFailedException.Reason.RECEIVE_FAILED);
    assertThat(failure.receiveStderr()).contains("destination modified");
    assertThat(failure.sendStderr()).contains("killed");
    assertThat(failure.getMessage()).contains("receiver failed");
    assertThat(send.killed()).isTrue();
    assertThat(receive.closedCleanly()).isFalse();
  }

  @Test
  void receiveFailingAtTheEndFailsTheTransfer() {
    FakeReceiveProcess receive =
        FakeReceiveProcess.failingAtEnd("cannot receive: checksum mismatch");

    TransferFailedException failure =
        failureOf(run(FakeSendProcess.of(300_000, 1), receive, OPTIONS, ProgressListener.NONE));

    assertThat(failure.reason()).isEqualTo(TransferFailedException.Reason.RECEIVE_FAILED);
    assertThat(failure.receiveStderr()).contains("checksum mismatch");
  }

  @Test
  void failedSendKillsTheReceiverBeforeItSeesTheEnd() {
    FakeSendProcess send =
        FakeSendProcess.failingAfter(2 * 1024 * 1024, "cannot send: I/O error", 9);
    FakeReceiveProcess receive = FakeReceiveProcess.accepting();

    TransferFailedException failure = failureOf(run(send, receive, OPTIONS, ProgressListener.NONE));

    assertThat(failure.reason()).isEqualTo(TransferFailedException.Reason.SEND_FAILED);
    assertThat(failure.sendStderr()).contains("I/O error");
    assertThat(failure.receiveStderr()).contains("killed");
    assertThat(receive.killed()).isTrue();
    assertThat(receive.closedCleanly()).isFalse();
  }

  @Test
  void cancelKillsBothSides() {
    FakeSendProcess send = FakeSendProcess.endless(11);
    FakeReceiveProcess receive = FakeReceiveProcess.accepting();
    RunningTransfer transfer =
        ByteTransfer.start(send, receive, OPTIONS, ProgressListener.NONE, materializer);
    awaitTrue(() -> transfer.bytesSoFar() > 1024 * 1024);

    transfer.cancel();

    TransferFailedException failure = failureOf(transfer.result().toCompletableFuture());
    assertThat(failure.reason()).isEqualTo(TransferFailedException.Reason.CANCELLED);
    assertThat(send.killed()).isTrue();
    assertThat(receive.killed()).isTrue();
    assertThat(receive.closedCleanly()).isFalse();
  }

  @Test
  void cancelAfterSuccessChangesNothing() {
    RunningTransfer transfer =
        ByteTransfer.start(
            FakeSendProcess.of(1000, 2),
            FakeReceiveProcess.accepting(),
            OPTIONS,
            ProgressListener.NONE,
            materializer);
    TransferResult result = transfer.result().toCompletableFuture().join();

    transfer.cancel();

    assertThat(transfer.result().toCompletableFuture().join()).isEqualTo(result);
  }

  private static java.util.concurrent.CompletableFuture<TransferResult> run(
      FakeSendProcess send,
      FakeReceiveProcess receive,
      TransferOptions options,
      ProgressListener listener) {
    return ByteTransfer.start(send, receive, options, listener, materializer)
        .result()
        .toCompletableFuture();
  }

  static TransferFailedException failureOf(java.util.concurrent.CompletableFuture<?> result) {
    assertThatThrownBy(result::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(TransferFailedException.class);
    return (TransferFailedException) result.handle((v, e) -> Outcomes.unwrap(e)).join();
  }

  private static void awaitTrue(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within 20 s");
      }
      sleep(2);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
