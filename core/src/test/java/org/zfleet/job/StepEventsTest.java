package org.zfleet.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every step attempt tells the event stream that it started and, exactly once, how it ended. */
@Timeout(60)
class StepEventsTest {

  private static final Duration CHECK = Duration.ofSeconds(1);
  private static final Duration STALL = Duration.ofSeconds(5);
  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private final ManualTime manualTime = ManualTime.get(testKit.system());
  private static final AtomicLong attempts = new AtomicLong();
  private ExecutorService blocking;
  private ActorRef<Watchdog.Command> watchdog;
  private TestProbe<JobEvent> events;

  @BeforeEach
  void start() {
    blocking = Executors.newCachedThreadPool();
    watchdog = testKit.spawn(Watchdog.create(CHECK));
    events = testKit.createTestProbe();
    testKit
        .system()
        .eventStream()
        .tell(new EventStream.Subscribe<>(JobEvent.class, events.getRef()));
  }

  @AfterEach
  void stop() {
    testKit.system().eventStream().tell(new EventStream.Unsubscribe<>(events.getRef()));
    testKit.stop(watchdog);
    blocking.shutdownNow();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private StepActor.Setup setup() {
    StepId id =
        new StepId("job", "pool/fs", StepKind.REPLICATE, "sink", attempts.incrementAndGet());
    return new StepActor.Setup(id, STALL, watchdog, Optional.empty(), blocking, Clock.systemUTC());
  }

  private static final class Waits extends IllegalStateException implements ExpectedWait {
    Waits() {
      super("waiting for sink sink: not reachable");
    }
  }

  @Test
  void aSucceedingStepReportsItsFactsWithItsEnd() {
    Instant created = Instant.parse("2026-12-01T10:00:00Z");
    StepWork work =
        control ->
            new StepResult("replicated", 4096)
                .with(new StepFact.ReplicaAt("zf_20261201T100000Z", created));
    StepActor.Setup setup = setup();
    testKit.spawn(
        StepActor.create(setup, work, testKit.<StepActor.Report>createTestProbe().getRef()));

    assertThat(events.expectMessageClass(JobEvent.StepStarted.class).id()).isEqualTo(setup.id());
    JobEvent.StepEnded ended = events.expectMessageClass(JobEvent.StepEnded.class);
    assertThat(ended.id()).isEqualTo(setup.id());
    assertThat(ended.outcome()).isEqualTo(JobEvent.Outcome.OK);
    assertThat(ended.result().bytes()).isEqualTo(4096);
    assertThat(ended.result().facts())
        .containsExactly(new StepFact.ReplicaAt("zf_20261201T100000Z", created));
    events.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void anExpectedWaitEndsAsWaitingAndAnyOtherFailureAsFailed() {
    testKit.spawn(
        StepActor.create(
            setup(),
            control -> {
              throw new Waits();
            },
            testKit.<StepActor.Report>createTestProbe().getRef()));
    events.expectMessageClass(JobEvent.StepStarted.class);
    JobEvent.StepEnded waiting = events.expectMessageClass(JobEvent.StepEnded.class);
    assertThat(waiting.outcome()).isEqualTo(JobEvent.Outcome.WAITING);
    assertThat(waiting.reason()).contains("not reachable");

    testKit.spawn(
        StepActor.create(
            setup(),
            control -> {
              throw new IllegalStateException("cannot receive: out of space");
            },
            testKit.<StepActor.Report>createTestProbe().getRef()));
    events.expectMessageClass(JobEvent.StepStarted.class);
    JobEvent.StepEnded failed = events.expectMessageClass(JobEvent.StepEnded.class);
    assertThat(failed.outcome()).isEqualTo(JobEvent.Outcome.FAILED);
    assertThat(failed.reason()).isEqualTo("cannot receive: out of space");
  }

  @Test
  void aStalledStepEndsAsStalledOnce() throws Exception {
    CountDownLatch killed = new CountDownLatch(1);
    StepWork hangs =
        control -> {
          control.onCancel(killed::countDown);
          killed.await();
          throw new IllegalStateException("process killed");
        };
    testKit.spawn(
        StepActor.create(setup(), hangs, testKit.<StepActor.Report>createTestProbe().getRef()));
    events.expectMessageClass(JobEvent.StepStarted.class);
    // The step registers with the watchdog right after it starts: time passes only once it has.
    TestProbe<java.util.List<Watchdog.WatchedStep>> watched = testKit.createTestProbe();
    watched.awaitAssert(
        Duration.ofSeconds(10),
        Duration.ofMillis(5),
        () -> {
          watchdog.tell(new Watchdog.GetWatched(watched.getRef()));
          assertThat(watched.receiveMessage()).hasSize(1);
          return null;
        });
    manualTime.timePasses(STALL.plus(CHECK.multipliedBy(2)));
    JobEvent.StepEnded stalled = events.expectMessageClass(JobEvent.StepEnded.class);
    assertThat(stalled.outcome()).isEqualTo(JobEvent.Outcome.STALLED);
    assertThat(stalled.reason()).contains("no progress");
    events.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aStepStoppedByItsParentEndsAsCancelled() throws Exception {
    CountDownLatch killed = new CountDownLatch(1);
    StepWork hangs =
        control -> {
          control.onCancel(killed::countDown);
          killed.await();
          throw new IllegalStateException("process killed");
        };
    ActorRef<StepActor.Command> step =
        testKit.spawn(
            StepActor.create(setup(), hangs, testKit.<StepActor.Report>createTestProbe().getRef()));
    events.expectMessageClass(JobEvent.StepStarted.class);
    testKit.stop(step);
    JobEvent.StepEnded cancelled = events.expectMessageClass(JobEvent.StepEnded.class);
    assertThat(cancelled.outcome()).isEqualTo(JobEvent.Outcome.CANCELLED);
    events.expectNoMessage(Duration.ofMillis(200));
  }
}
