package org.zfleet.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WatchdogTest {

  private static final Duration CHECK = Duration.ofSeconds(1);
  private static final Duration STALL = Duration.ofSeconds(10);
  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private final ManualTime manualTime = ManualTime.get(testKit.system());
  private ExecutorService blocking;
  private ActorRef<Watchdog.Command> watchdog;
  private static final AtomicLong attempts = new AtomicLong();

  @BeforeEach
  void start() {
    blocking = Executors.newCachedThreadPool();
    watchdog = testKit.spawn(Watchdog.create(CHECK));
  }

  @AfterEach
  void stop() {
    testKit.stop(watchdog);
    blocking.shutdownNow();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private StepActor.Setup setup(Optional<ActorRef<Gate.Command>> gate) {
    StepId id = new StepId("job", "pool/fs", StepKind.REPLICATE, "", attempts.incrementAndGet());
    return new StepActor.Setup(id, STALL, watchdog, gate, blocking, Clock.systemUTC());
  }

  @Test
  void stalledStepIsStoppedWithinTimeoutPlusOneCheckAndItsProcessesKilled() throws Exception {
    CountDownLatch killed = new CountDownLatch(1);
    StepWork hangs =
        control -> {
          control.onCancel(killed::countDown);
          killed.await();
          throw new IllegalStateException("process killed");
        };
    TestProbe<StepActor.Report> reports = testKit.createTestProbe();
    testKit.spawn(StepActor.create(setup(Optional.empty()), hangs, reports.getRef()));
    awaitWatched(1);

    manualTime.timePasses(STALL.minus(CHECK));
    reports.expectNoMessage(Duration.ofMillis(100));
    assertThat(killed.getCount()).isEqualTo(1);

    manualTime.timePasses(CHECK.multipliedBy(2));
    StepActor.Failed failed = reports.expectMessageClass(StepActor.Failed.class);
    assertThat(failed.stalled()).isTrue();
    assertThat(failed.reason()).contains("no progress for 10s");
    assertThat(killed.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void slowStepThatKeepsMovingIsNeverKilled() throws Exception {
    Semaphore chunks = new Semaphore(0);
    CountDownLatch finish = new CountDownLatch(1);
    AtomicLong moved = new AtomicLong();
    StepWork slow =
        control -> {
          while (finish.getCount() > 0) {
            if (chunks.tryAcquire(10, TimeUnit.MILLISECONDS)) {
              control.progress().addBytes(1);
              moved.incrementAndGet();
            }
          }
          return new StepResult("done", control.progress().bytes());
        };
    TestProbe<StepActor.Report> reports = testKit.createTestProbe();
    testKit.spawn(StepActor.create(setup(Optional.empty()), slow, reports.getRef()));
    awaitWatched(1);

    // One byte every 5 s for 60 s: slower than anything sensible, but moving.
    for (int i = 1; i <= 12; i++) {
      chunks.release();
      long expected = i;
      awaitCondition(() -> moved.get() == expected);
      manualTime.timePasses(Duration.ofSeconds(5));
    }
    reports.expectNoMessage(Duration.ofMillis(100));
    finish.countDown();
    StepActor.Finished finished = reports.expectMessageClass(StepActor.Finished.class);
    assertThat(finished.result().bytes()).isEqualTo(12);
  }

  @Test
  void failedWorkIsReportedWithItsMessage() {
    TestProbe<StepActor.Report> reports = testKit.createTestProbe();
    testKit.spawn(
        StepActor.create(
            setup(Optional.empty()),
            control -> {
              throw new IllegalStateException("cannot open 'pool/fs': dataset does not exist");
            },
            reports.getRef()));
    StepActor.Failed failed = reports.expectMessageClass(StepActor.Failed.class);
    assertThat(failed.stalled()).isFalse();
    assertThat(failed.reason()).isEqualTo("cannot open 'pool/fs': dataset does not exist");
  }

  @Test
  void gateLetsOneStepRunAtATimeAndWaitingIsNotAStall() throws Exception {
    ActorRef<Gate.Command> gate = testKit.spawn(Gate.create("transfers", 1));
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch secondStarted = new CountDownLatch(1);
    TestProbe<StepActor.Report> reports = testKit.createTestProbe();
    StepActor.Setup first = setup(Optional.of(gate));
    testKit.spawn(
        StepActor.create(
            first,
            control -> {
              while (!releaseFirst.await(10, TimeUnit.MILLISECONDS)) {
                control.progress().tick();
              }
              return StepResult.of("first");
            },
            reports.getRef()));
    awaitWatched(1);
    testKit.spawn(
        StepActor.create(
            setup(Optional.of(gate)),
            control -> {
              secondStarted.countDown();
              return StepResult.of("second");
            },
            reports.getRef()));

    // The second waits for the permit far longer than the stall timeout without being killed.
    for (int i = 0; i < 30; i++) {
      manualTime.timePasses(CHECK);
      // A round trip: the watchdog has made this check before the next time passes.
      awaitWatched(1);
    }
    assertThat(secondStarted.getCount()).isEqualTo(1);
    reports.expectNoMessage(Duration.ofMillis(50));

    releaseFirst.countDown();
    assertThat(reports.expectMessageClass(StepActor.Finished.class).result().summary())
        .isEqualTo("first");
    assertThat(reports.expectMessageClass(StepActor.Finished.class).result().summary())
        .isEqualTo("second");
    assertThat(secondStarted.getCount()).isZero();
  }

  private void awaitWatched(int count) {
    TestProbe<java.util.List<Watchdog.WatchedStep>> probe = testKit.createTestProbe();
    awaitCondition(
        () -> {
          watchdog.tell(new Watchdog.GetWatched(probe.getRef()));
          return probe.receiveMessage().size() == count;
        });
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition) {
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            Duration.ofMillis(5),
            () -> assertThat(condition.getAsBoolean()).as("condition").isTrue());
  }
}
