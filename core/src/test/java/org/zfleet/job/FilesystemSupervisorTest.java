package org.zfleet.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
class FilesystemSupervisorTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private final ManualTime manualTime = ManualTime.get(testKit.system());
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private final List<String> ran = new CopyOnWriteArrayList<>();
  private ExecutorService blocking;
  private ActorRef<Watchdog.Command> watchdog;
  private TestProbe<String> cycleRequests;
  private TestProbe<FilesystemSupervisor.Replicated> replications;

  @BeforeEach
  void start() {
    blocking = Executors.newCachedThreadPool();
    watchdog = testKit.spawn(Watchdog.create(Duration.ofSeconds(1)));
    cycleRequests = testKit.createTestProbe();
    replications = testKit.createTestProbe();
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

  private ActorRef<FilesystemSupervisor.Command> supervisor() {
    return testKit.spawn(
        FilesystemSupervisor.create(
            new FilesystemSupervisor.Context(
                "push",
                "pool/fs",
                Duration.ofSeconds(30),
                new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5)),
                watchdog,
                Optional.empty(),
                blocking,
                clock,
                cycleRequests.getRef(),
                replications.getRef())));
  }

  private PlannedStep step(StepKind kind, String dest) {
    return new PlannedStep(
        kind,
        dest,
        control -> {
          ran.add(kind.label() + ":" + dest);
          return StepResult.of(kind.label() + " ok");
        });
  }

  private PlannedStep failing(StepKind kind, String dest) {
    return new PlannedStep(
        kind,
        dest,
        control -> {
          ran.add(kind.label() + ":" + dest);
          throw new IllegalStateException("receive failed");
        });
  }

  private FilesystemStatus status(ActorRef<FilesystemSupervisor.Command> sup) {
    TestProbe<FilesystemStatus> probe = testKit.createTestProbe();
    sup.tell(new FilesystemSupervisor.GetStatus(probe.getRef()));
    return probe.receiveMessage();
  }

  private void awaitRan(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ran.size() < n) {
      assertThat(System.nanoTime()).as("steps run: %s", ran).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void stepsOfACycleRunOneAfterAnotherInOrder() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    PlannedStep slowReplicate =
        new PlannedStep(
            StepKind.REPLICATE,
            "a",
            control -> {
              ran.add("replicate:a");
              gate.await();
              return StepResult.of("sent");
            });
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            1,
            List.of(
                slowReplicate,
                step(StepKind.PRUNE_SENDER, ""),
                step(StepKind.PRUNE_RECEIVER, "a"))));
    awaitRan(1);
    Thread.sleep(100);
    assertThat(ran).containsExactly("replicate:a");
    assertThat(status(sup).running())
        .hasValueSatisfying(r -> assertThat(r.kind()).isEqualTo(StepKind.REPLICATE));
    gate.countDown();
    awaitRan(3);
    assertThat(ran).containsExactly("replicate:a", "prune-sender:", "prune-receiver:a");
  }

  @Test
  void failedReplicationIsRecordedPruningGoesOnAndRetryWaitsForBackoff() throws Exception {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            1, List.of(failing(StepKind.REPLICATE, "a"), step(StepKind.PRUNE_SENDER, ""))));
    awaitRan(2);
    FilesystemStatus after = awaitIdle(sup);
    assertThat(after.lastOutcomes())
        .anySatisfy(
            o -> {
              assertThat(o.kind()).isEqualTo(StepKind.REPLICATE);
              assertThat(o.ok()).isFalse();
              assertThat(o.summary()).isEqualTo("receive failed");
              assertThat(o.waiting()).isFalse();
            });
    assertThat(after.retries())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.consecutiveFailures()).isEqualTo(1);
              assertThat(r.notBefore()).isEqualTo(Instant.parse("2026-11-28T12:00:10Z"));
            });

    // A cycle within the backoff skips replication to that destination but still prunes.
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            2, List.of(step(StepKind.REPLICATE, "a"), step(StepKind.PRUNE_SENDER, ""))));
    awaitRan(3);
    awaitIdle(sup);
    assertThat(ran).containsExactly("replicate:a", "prune-sender:", "prune-sender:");

    // When the backoff is over the supervisor asks its job for a fresh cycle.
    cycleRequests.expectNoMessage(Duration.ofMillis(50));
    clock.advance(Duration.ofSeconds(10));
    manualTime.timePasses(Duration.ofSeconds(10));
    assertThat(cycleRequests.receiveMessage()).isEqualTo("pool/fs");
    sup.tell(new FilesystemSupervisor.RunCycle(3, List.of(step(StepKind.REPLICATE, "a"))));
    awaitRan(4);
    assertThat(awaitIdle(sup).retries()).isEmpty();
  }

  @Test
  void aPruneOnlyCycleArrivingWhileBusyWaitsAndOnlyTheLatestRuns() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            1,
            List.of(
                new PlannedStep(
                    StepKind.PRUNE_SENDER,
                    "",
                    control -> {
                      ran.add("cycle1");
                      gate.await();
                      return StepResult.of("ok");
                    }))));
    awaitRan(1);
    for (int c = 2; c <= 3; c++) {
      String name = "cycle" + c;
      sup.tell(
          new FilesystemSupervisor.RunCycle(
              c,
              List.of(
                  new PlannedStep(
                      StepKind.PRUNE_SENDER,
                      "",
                      x -> {
                        ran.add(name);
                        return StepResult.of("ok");
                      }))));
    }
    gate.countDown();
    awaitRan(2);
    assertThat(awaitIdle(sup).cycle()).isEqualTo(3);
    assertThat(ran).containsExactly("cycle1", "cycle3");
    cycleRequests.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aReplicatingCycleArrivingWhileBusyIsNotRunButAFreshOneIsAskedForWhenTheRunningCycleEnds()
      throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            1,
            List.of(
                new PlannedStep(
                    StepKind.REPLICATE,
                    "a",
                    control -> {
                      ran.add("cycle1");
                      gate.await();
                      return StepResult.of("ok");
                    }))));
    awaitRan(1);
    // Listed while cycle 1 was receiving: its view of this filesystem is already out of date.
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            2,
            List.of(
                new PlannedStep(
                    StepKind.REPLICATE,
                    "a",
                    c -> {
                      ran.add("cycle2");
                      return StepResult.of("ok");
                    }))));
    cycleRequests.expectNoMessage(Duration.ofMillis(100));
    gate.countDown();
    assertThat(cycleRequests.receiveMessage()).isEqualTo("pool/fs");
    assertThat(awaitIdle(sup).cycle()).isEqualTo(1);
    assertThat(ran).containsExactly("cycle1");
  }

  @Test
  void aCycleListedWhileAReplicationRanIsDroppedForAFreshListing() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            1,
            List.of(
                new PlannedStep(
                    StepKind.REPLICATE,
                    "sink",
                    control -> {
                      ran.add("replicate1");
                      gate.await();
                      return StepResult.of("replicated");
                    }))));
    awaitRan(1);
    sup.tell(new FilesystemSupervisor.RunCycle(2, List.of(step(StepKind.REPLICATE, "sink"))));

    gate.countDown();

    assertThat(cycleRequests.receiveMessage(Duration.ofSeconds(10))).isEqualTo("pool/fs");
    assertThat(awaitIdle(sup).cycle()).isEqualTo(1);
    assertThat(ran).containsExactly("replicate1");
    // The fresh cycle runs as usual.
    sup.tell(new FilesystemSupervisor.RunCycle(3, List.of(step(StepKind.REPLICATE, "sink"))));
    awaitRan(2);
    assertThat(ran).containsExactly("replicate1", "replicate:sink");
  }

  @Test
  void aFailedPruneWaitsForItsBackoffInsteadOfRunningEveryCycle() throws Exception {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    sup.tell(new FilesystemSupervisor.RunCycle(1, List.of(failing(StepKind.PRUNE_SENDER, ""))));
    awaitRan(1);
    awaitIdle(sup);

    // Cycles within the backoff leave the failed prune alone (and its backoff does not grow).
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            2, List.of(failing(StepKind.PRUNE_SENDER, ""), step(StepKind.PRUNE_RECEIVER, "a"))));
    awaitRan(2);
    sup.tell(new FilesystemSupervisor.RunCycle(3, List.of(failing(StepKind.PRUNE_SENDER, ""))));
    awaitIdle(sup);
    Thread.sleep(50);
    assertThat(ran).containsExactly("prune-sender:", "prune-receiver:a");

    // After the backoff it runs again.
    clock.advance(Duration.ofSeconds(10));
    manualTime.timePasses(Duration.ofSeconds(10));
    assertThat(cycleRequests.receiveMessage()).isEqualTo("pool/fs");
    sup.tell(new FilesystemSupervisor.RunCycle(4, List.of(failing(StepKind.PRUNE_SENDER, ""))));
    awaitRan(3);
    awaitIdle(sup);
    assertThat(ran).containsExactly("prune-sender:", "prune-receiver:a", "prune-sender:");
  }

  @Test
  void aSuccessfulReplicationLetsAFailedPruneRunAtOnce() throws Exception {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    sup.tell(new FilesystemSupervisor.RunCycle(1, List.of(failing(StepKind.PRUNE_SENDER, ""))));
    awaitRan(1);
    awaitIdle(sup);
    // The cursor the prune was missing arrives with this replication: pruning goes on at once.
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            2, List.of(step(StepKind.REPLICATE, "a"), step(StepKind.PRUNE_SENDER, ""))));
    awaitRan(3);
    assertThat(ran).containsExactly("prune-sender:", "replicate:a", "prune-sender:");
  }

  private static final class Waits extends RuntimeException implements ExpectedWait {
    Waits() {
      super("waiting for the sink");
    }
  }

  @Test
  void anExpectedWaitIsRetriedAfterTheShortestBackoffEveryTime() throws Exception {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    PlannedStep waiting =
        new PlannedStep(
            StepKind.REPLICATE,
            "a",
            control -> {
              ran.add("replicate:a");
              throw new Waits();
            });
    for (int attempt = 1; attempt <= 3; attempt++) {
      sup.tell(new FilesystemSupervisor.RunCycle(attempt, List.of(waiting)));
      awaitRan(attempt);
      FilesystemStatus s = awaitIdle(sup);
      assertThat(s.lastOutcomes())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.ok()).isFalse();
                assertThat(o.waiting()).isTrue();
                assertThat(o.summary()).isEqualTo("waiting for the sink");
              });
      Instant failedAt = clock.instant();
      assertThat(s.retries())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.consecutiveFailures()).isZero();
                assertThat(r.notBefore()).isEqualTo(failedAt.plusSeconds(10));
              });
      clock.advance(Duration.ofSeconds(10));
      manualTime.timePasses(Duration.ofSeconds(10));
      assertThat(cycleRequests.receiveMessage()).isEqualTo("pool/fs");
    }
  }

  @Test
  void aReplicationThatWaitsGoesAtOnceWhenItsWaitIsOverAndAFailedOneStillWaitsForItsBackoff()
      throws Exception {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    PlannedStep waiting =
        new PlannedStep(
            StepKind.REPLICATE,
            "a",
            control -> {
              ran.add("replicate:a");
              throw new Waits();
            });
    sup.tell(
        new FilesystemSupervisor.RunCycle(1, List.of(waiting, failing(StepKind.REPLICATE, "b"))));
    awaitRan(2);
    awaitIdle(sup);

    // No time passes: the wait for a is over, b's failure is no wait and keeps its backoff.
    sup.tell(new FilesystemSupervisor.WaitOver("b"));
    cycleRequests.expectNoMessage(Duration.ofMillis(100));
    sup.tell(new FilesystemSupervisor.WaitOver("a"));
    assertThat(cycleRequests.receiveMessage()).isEqualTo("pool/fs");
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            2, List.of(step(StepKind.REPLICATE, "a"), step(StepKind.REPLICATE, "b"))));
    awaitRan(3);
    awaitIdle(sup);
    assertThat(ran).containsExactly("replicate:a", "replicate:b", "replicate:a");
    // The job hears of the replication, to release this filesystem's children.
    assertThat(replications.receiveMessage())
        .isEqualTo(new FilesystemSupervisor.Replicated("pool/fs", "a"));
  }

  @Test
  void aCycleWhoseReplicationMovedSnapshotsAsksForAFreshListingForItsPruning() throws Exception {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    PlannedStep sends =
        new PlannedStep(
            StepKind.REPLICATE,
            "a",
            control -> {
              ran.add("replicate:a");
              return new StepResult("replicated", 4096);
            });
    sup.tell(new FilesystemSupervisor.RunCycle(1, List.of(sends, step(StepKind.PRUNE_SENDER, ""))));
    awaitRan(2);
    assertThat(cycleRequests.receiveMessage()).isEqualTo("pool/fs");

    // The fresh cycle finds nothing to send: no further listing is asked for.
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            2, List.of(step(StepKind.REPLICATE, "a"), step(StepKind.PRUNE_SENDER, ""))));
    awaitRan(4);
    awaitIdle(sup);
    cycleRequests.expectNoMessage(Duration.ofMillis(200));
  }

  private FilesystemStatus awaitIdle(ActorRef<FilesystemSupervisor.Command> sup)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      FilesystemStatus s = status(sup);
      if (s.running().isEmpty()) {
        return s;
      }
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
