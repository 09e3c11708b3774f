package org.zfleet.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A job's bandwidth limit holds for the job as a whole (zrepl's meaning): every transfer made with
 * the job's options draws from one bucket, so concurrent transfers share the limit.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobBandwidthTest {

  private static final long LIMIT = 1L << 20;
  private static final long EACH = 3L << 19;

  private static ActorTestKit testKit;
  private static Materializer materializer;

  @BeforeAll
  static void startSystem() {
    testKit = ActorTestKit.create("JobBandwidthTest");
    materializer = Materializer.matFromSystem(testKit.system());
  }

  @AfterAll
  static void stopSystem() {
    testKit.shutdownTestKit();
  }

  /**
   * Two transfers of 1.5 MiB under one 1 MiB/s limit cannot both end before 3 MiB, less the
   * bucket's burst, have had their time: 2.9 s. Each with a limit of its own would take 1.4 s. A
   * lower bound only: a slow machine makes it longer, never shorter.
   */
  @Test
  void twoConcurrentTransfersOfOneJobTogetherStayUnderItsLimit() {
    TransferOptions job = TransferOptions.defaults().withBandwidthLimit(LIMIT);
    long start = System.nanoTime();

    CompletableFuture<TransferResult> first = transfer(job, 1);
    CompletableFuture<TransferResult> second = transfer(job, 2);
    CompletableFuture.allOf(first, second).join();

    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    assertThat(first.join().bytes() + second.join().bytes()).isEqualTo(2 * EACH);
    assertThat(elapsed)
        .as("two transfers sharing %d B/s", LIMIT)
        .isGreaterThanOrEqualTo(Duration.ofMillis((2 * EACH - LIMIT / 10) * 1000 / LIMIT));
  }

  private static CompletableFuture<TransferResult> transfer(TransferOptions options, long seed) {
    return ByteTransfer.start(
            FakeSendProcess.of(EACH, seed),
            FakeReceiveProcess.accepting(),
            options,
            ProgressListener.NONE,
            materializer)
        .result()
        .toCompletableFuture();
  }
}
