package org.zfleet.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.job.Specs.cycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.zfleet.cycle.CyclePlanner;
import org.zfleet.cycle.CycleSettings;
import org.zfleet.cycle.CycleStart;
import org.zfleet.cycle.Destination;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.ReplicaDataset;
import org.zfleet.cycle.ReplicationEffect;
import org.zfleet.cycle.SenderFilesystem;
import org.zfleet.cycle.StepSpec;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.Plan;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.prune.PruneOutcome;

class FilesystemSupervisorTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private final ManualTime manualTime = ManualTime.get(testKit.system());
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private ExecutorService blocking;
  private ActorRef<Watchdog.Command> watchdog;
  private TestProbe<String> cycleRequests;
  private TestProbe<FilesystemSupervisor.Replicated> replications;
  private TestProbe<String> ran;
  private Specs specs;

  @BeforeEach
  void start() {
    blocking = Executors.newCachedThreadPool();
    watchdog = testKit.spawn(Watchdog.create(Duration.ofSeconds(1)));
    cycleRequests = testKit.createTestProbe();
    replications = testKit.createTestProbe();
    ran = testKit.createTestProbe();
    specs = new Specs(ran);
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
    return supervisor(specs, blocking);
  }

  private ActorRef<FilesystemSupervisor.Command> supervisor(StepRunner runner, Executor executor) {
    return testKit.spawn(
        FilesystemSupervisor.create(
            new SupervisorContext(
                "push",
                "pool/fs",
                Duration.ofSeconds(30),
                new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5)),
                runner,
                watchdog,
                java.util.List.of(),
                executor,
                clock,
                cycleRequests.getRef(),
                replications.getRef())));
  }

  private static FilesystemSupervisor.RunCycle run(long n, StepSpec... steps) {
    return new FilesystemSupervisor.RunCycle(n, cycle(steps), CyclePorts.NONE);
  }

  private FilesystemStatus status(ActorRef<FilesystemSupervisor.Command> sup) {
    TestProbe<FilesystemStatus> probe = testKit.createTestProbe();
    sup.tell(new FilesystemSupervisor.GetStatus(probe.getRef()));
    return probe.receiveMessage();
  }

  private FilesystemStatus awaitIdle(ActorRef<FilesystemSupervisor.Command> sup) {
    TestProbe<FilesystemStatus> probe = testKit.createTestProbe();
    return probe.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          FilesystemStatus s = status(sup);
          assertThat(s.running()).isEmpty();
          return s;
        });
  }

  private void expectRan(String... labels) {
    for (String label : labels) {
      assertThat(ran.receiveMessage(Duration.ofSeconds(10))).isEqualTo(label);
    }
  }

  /** Lets the backoff of {@code d} pass on both clocks. */
  private void pass(Duration d) {
    clock.advance(d);
    manualTime.timePasses(d);
  }

  @Test
  void stepsOfACycleRunOneAfterAnotherInOrder() {
    CountDownLatch gate = new CountDownLatch(1);
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    StepSpec slowReplicate =
        specs.step(
            StepKind.REPLICATE,
            "a",
            control -> {
              gate.await();
              return StepResult.of("sent");
            });
    sup.tell(
        run(
            1,
            slowReplicate,
            specs.step(StepKind.PRUNE_SENDER, ""),
            specs.step(StepKind.PRUNE_RECEIVER, "a")));
    expectRan("replicate:a");
    ran.expectNoMessage(Duration.ofMillis(100));
    assertThat(status(sup).running())
        .hasValueSatisfying(r -> assertThat(r.kind()).isEqualTo(StepKind.REPLICATE));
    gate.countDown();
    expectRan("prune-sender:", "prune-receiver:a");
  }

  @Test
  void failedReplicationIsRecordedPruningGoesOnAndRetryWaitsForBackoff() {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    sup.tell(run(1, specs.failing(StepKind.REPLICATE, "a"), specs.step(StepKind.PRUNE_SENDER, "")));
    expectRan("replicate:a", "prune-sender:");
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
    sup.tell(run(2, specs.step(StepKind.REPLICATE, "a"), specs.step(StepKind.PRUNE_SENDER, "")));
    expectRan("prune-sender:");
    awaitIdle(sup);
    ran.expectNoMessage(Duration.ofMillis(50));

    // When the backoff is over the supervisor asks its job for a fresh cycle.
    cycleRequests.expectNoMessage(Duration.ofMillis(50));
    pass(Duration.ofSeconds(10));
    assertThat(cycleRequests.receiveMessage()).isEqualTo("pool/fs");
    sup.tell(run(3, specs.step(StepKind.REPLICATE, "a")));
    expectRan("replicate:a");
    assertThat(awaitIdle(sup).retries()).isEmpty();
  }

  /**
   * {@code zfleet signal reset}: the running step is stopped (its work cancelled), no failure is
   * counted for it, every backoff is cleared and a fresh cycle is asked for at once.
   */
  @Test
  void aResetStopsTheRunningStepClearsTheBackoffAndAsksForAFreshCycle() throws Exception {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    sup.tell(run(1, specs.failing(StepKind.REPLICATE, "a")));
    expectRan("replicate:a");
    assertThat(awaitIdle(sup).retries()).hasSize(1);

    CountDownLatch cancelled = new CountDownLatch(1);
    StepSpec hanging =
        specs.step(
            StepKind.PRUNE_SENDER,
            "",
            control -> {
              control.onCancel(cancelled::countDown);
              cancelled.await();
              control.checkCancelled();
              return StepResult.of("never");
            });
    sup.tell(run(2, specs.step(StepKind.REPLICATE, "a"), hanging));
    expectRan("prune-sender:");

    sup.tell(new FilesystemSupervisor.Reset());

    assertThat(cancelled.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(cycleRequests.receiveMessage()).isEqualTo("pool/fs");
    FilesystemStatus after = awaitIdle(sup);
    assertThat(after.retries()).isEmpty();
    assertThat(after.lastOutcomes())
        .as("the stopped step is no failure")
        .noneMatch(o -> o.kind() == StepKind.PRUNE_SENDER && !o.ok());
    // The fresh cycle replicates at once: no backoff is left.
    sup.tell(run(3, specs.step(StepKind.REPLICATE, "a")));
    expectRan("replicate:a");
  }

  @Test
  void aPruneOnlyCycleArrivingWhileBusyWaitsAndOnlyTheLatestRuns() {
    CountDownLatch gate = new CountDownLatch(1);
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    TestProbe<String> cycles = testKit.createTestProbe();
    sup.tell(
        run(
            1,
            specs.step(
                StepKind.PRUNE_SENDER,
                "",
                control -> {
                  cycles.getRef().tell("cycle1");
                  gate.await();
                  return StepResult.of("ok");
                })));
    cycles.expectMessage("cycle1");
    for (int c = 2; c <= 3; c++) {
      String name = "cycle" + c;
      sup.tell(
          run(
              c,
              specs.step(
                  StepKind.PRUNE_SENDER,
                  "",
                  x -> {
                    cycles.getRef().tell(name);
                    return StepResult.of("ok");
                  })));
    }
    gate.countDown();
    cycles.expectMessage("cycle3");
    assertThat(awaitIdle(sup).cycle()).isEqualTo(3);
    cycles.expectNoMessage(Duration.ofMillis(50));
    cycleRequests.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aCycleListedBeforeTheLastStepEndedIsNotRunAndAsksForAFreshListingIfItShowsNewSnapshots() {
    CountDownLatch gate = new CountDownLatch(1);
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    FilesystemVersion s1 = FilesystemVersion.snapshot("s1", 1, 10, Instant.EPOCH);
    FilesystemVersion s2 = FilesystemVersion.snapshot("s2", 2, 20, Instant.EPOCH);
    sup.tell(new FilesystemSupervisor.ListingStarted(1));
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            1,
            1,
            cycle(
                List.of(s1),
                specs.step(
                    StepKind.REPLICATE,
                    "sink",
                    control -> {
                      gate.await();
                      return StepResult.of("replicated");
                    })),
            CyclePorts.NONE));
    expectRan("replicate:sink");
    // Listed while cycle 1 was receiving (with a new snapshot): its view of this filesystem's
    // replica is older than the step that is still running.
    sup.tell(new FilesystemSupervisor.ListingStarted(2));
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            2, 2, cycle(List.of(s1, s2), specs.step(StepKind.REPLICATE, "sink")), CyclePorts.NONE));
    cycleRequests.expectNoMessage(Duration.ofMillis(100));

    gate.countDown();

    assertThat(cycleRequests.receiveMessage(Duration.ofSeconds(10))).isEqualTo("pool/fs");
    assertThat(awaitIdle(sup).cycle()).isEqualTo(2);
    ran.expectNoMessage(Duration.ofMillis(50));
    // A listing started after the step ended runs as usual.
    sup.tell(new FilesystemSupervisor.ListingStarted(3));
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            3, 3, cycle(List.of(s1, s2), specs.step(StepKind.REPLICATE, "sink")), CyclePorts.NONE));
    expectRan("replicate:sink");
  }

  /**
   * A failed replication's retry asks for a cycle; the listing for it starts while a pruning of
   * this filesystem still runs and destroys snapshots, so the cycle arrives stale. Dropping it
   * alone would leave the replication untried until the next snapshot: a fresh listing is asked
   * for, whether the stale cycle plans the replication again or waits for its sink, unreachable
   * since.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"replicates again", "waits for the unreachable sink"})
  void aStaleCycleThatRetriesAFailedReplicationAsksForAFreshListing(String staleCycle) {
    CountDownLatch gate = new CountDownLatch(1);
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    FilesystemVersion s1 = FilesystemVersion.snapshot("s1", 1, 10, Instant.EPOCH);
    sup.tell(new FilesystemSupervisor.ListingStarted(1));
    StepSpec slowPrune =
        specs.step(
            StepKind.PRUNE_SENDER,
            "",
            control -> {
              gate.await();
              return StepResult.of("destroyed 1")
                  .with(new StepFact.SnapshotsDestroyed("sender", 1));
            });
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            1,
            1,
            cycle(List.of(s1), specs.failing(StepKind.REPLICATE, "a"), slowPrune),
            CyclePorts.NONE));
    expectRan("replicate:a", "prune-sender:");
    pass(Duration.ofSeconds(10));
    assertThat(cycleRequests.receiveMessage(Duration.ofSeconds(10))).isEqualTo("pool/fs");
    sup.tell(new FilesystemSupervisor.ListingStarted(2));
    StepSpec retried =
        staleCycle.startsWith("waits")
            ? new StepSpec.Wait("a", "no node offers job a")
            : specs.step(StepKind.REPLICATE, "a");
    sup.tell(new FilesystemSupervisor.RunCycle(2, 2, cycle(List.of(s1), retried), CyclePorts.NONE));
    gate.countDown();

    assertThat(cycleRequests.receiveMessage(Duration.ofSeconds(10))).isEqualTo("pool/fs");
    ran.expectNoMessage(Duration.ofMillis(50));
    sup.tell(new FilesystemSupervisor.ListingStarted(3));
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            3, 3, cycle(List.of(s1), specs.step(StepKind.REPLICATE, "a")), CyclePorts.NONE));
    expectRan("replicate:a");
  }

  @Test
  void aStaleCycleThatShowsNothingNewIsDroppedWithoutAListing() {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    FilesystemVersion s1 = FilesystemVersion.snapshot("s1", 1, 10, Instant.EPOCH);
    sup.tell(new FilesystemSupervisor.ListingStarted(1));
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            1, 1, cycle(List.of(s1), specs.step(StepKind.REPLICATE, "sink")), CyclePorts.NONE));
    // Another filesystem's retry starts a listing while this one's step runs.
    sup.tell(new FilesystemSupervisor.ListingStarted(2));
    expectRan("replicate:sink");
    awaitIdle(sup);
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            2, 2, cycle(List.of(s1), specs.step(StepKind.REPLICATE, "sink")), CyclePorts.NONE));
    assertThat(awaitIdle(sup).cycle()).isEqualTo(2);
    ran.expectNoMessage(Duration.ofMillis(100));
    cycleRequests.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aStepThatChangedNothingLeavesLaterListingsGood() {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    sup.tell(new FilesystemSupervisor.ListingStarted(1));
    StepSpec unreachable = new StepSpec.Wait("sink", "sink not reachable");
    sup.tell(new FilesystemSupervisor.RunCycle(1, 1, cycle(unreachable), CyclePorts.NONE));
    sup.tell(new FilesystemSupervisor.ListingStarted(2));
    expectRan("replicate:sink");
    awaitIdle(sup);
    sup.tell(
        new FilesystemSupervisor.RunCycle(
            2, 2, cycle(specs.step(StepKind.PRUNE_SENDER, "")), CyclePorts.NONE));
    expectRan("prune-sender:");
  }

  @Test
  void aFirstReceiveWaitingForItsParentRunsNoStepAndGoesAsSoonAsTheParentArrives() {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    StepSpec child =
        specs.awaitingParent(
            "sink", DatasetName.of("backup/sink/n1/pool"), control -> StepResult.of("replicated"));
    sup.tell(run(1, child, specs.step(StepKind.PRUNE_SENDER, "")));
    expectRan("prune-sender:");
    FilesystemStatus waiting = awaitIdle(sup);
    assertThat(waiting.lastOutcomes())
        .filteredOn(o -> o.kind() == StepKind.REPLICATE)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.waiting()).isTrue();
              assertThat(o.summary()).contains("backup/sink/n1/pool");
            });

    // Another ancestor's arrival does not release it.
    sup.tell(new FilesystemSupervisor.WaitOver("sink", DatasetName.of("backup/sink/n1")));
    ran.expectNoMessage(Duration.ofMillis(100));
    sup.tell(new FilesystemSupervisor.WaitOver("sink", DatasetName.of("backup/sink/n1/pool")));
    expectRan("replicate:sink");
    awaitIdle(sup);
    cycleRequests.expectNoMessage(Duration.ofMillis(50));
    // Heard before its turn came, the parent's arrival lets the next cycle's first receive go.
    StepSpec next =
        specs.awaitingParent(
            "sink", DatasetName.of("backup/sink/n1/pool"), control -> StepResult.of("replicated"));
    sup.tell(run(2, next));
    expectRan("replicate:sink");
  }

  @Test
  void aFailedPruneWaitsForItsBackoffInsteadOfRunningEveryCycle() {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    sup.tell(run(1, specs.failing(StepKind.PRUNE_SENDER, "")));
    expectRan("prune-sender:");
    awaitIdle(sup);

    // Cycles within the backoff leave the failed prune alone (and its backoff does not grow).
    sup.tell(
        run(2, specs.failing(StepKind.PRUNE_SENDER, ""), specs.step(StepKind.PRUNE_RECEIVER, "a")));
    expectRan("prune-receiver:a");
    sup.tell(run(3, specs.failing(StepKind.PRUNE_SENDER, "")));
    awaitIdle(sup);
    ran.expectNoMessage(Duration.ofMillis(50));

    // After the backoff it runs again.
    pass(Duration.ofSeconds(10));
    assertThat(cycleRequests.receiveMessage()).isEqualTo("pool/fs");
    sup.tell(run(4, specs.failing(StepKind.PRUNE_SENDER, "")));
    expectRan("prune-sender:");
    awaitIdle(sup);
  }

  @Test
  void aSuccessfulReplicationLetsAFailedPruneRunAtOnce() {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    sup.tell(run(1, specs.failing(StepKind.PRUNE_SENDER, "")));
    expectRan("prune-sender:");
    awaitIdle(sup);
    // The cursor the prune was missing arrives with this replication: pruning goes on at once.
    sup.tell(run(2, specs.step(StepKind.REPLICATE, "a"), specs.step(StepKind.PRUNE_SENDER, "")));
    expectRan("replicate:a", "prune-sender:");
  }

  private static final class Waits extends RuntimeException implements ExpectedWait {
    Waits() {
      super("waiting for the sink");
    }
  }

  @Test
  void anExpectedWaitIsRetriedAfterTheShortestBackoffEveryTime() {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    for (int attempt = 1; attempt <= 3; attempt++) {
      StepSpec waiting =
          specs.step(
              StepKind.REPLICATE,
              "a",
              control -> {
                throw new Waits();
              });
      sup.tell(run(attempt, waiting));
      expectRan("replicate:a");
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
      pass(Duration.ofSeconds(10));
      assertThat(cycleRequests.receiveMessage()).isEqualTo("pool/fs");
    }
  }

  @Test
  void aReplicationThatWaitsGoesAtOnceWhenItsWaitIsOverAndAFailedOneStillWaitsForItsBackoff() {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    java.util.concurrent.atomic.AtomicBoolean arrived =
        new java.util.concurrent.atomic.AtomicBoolean();
    StepSpec waiting =
        specs.step(
            StepKind.REPLICATE,
            "a",
            control -> {
              if (!arrived.getAndSet(true)) {
                throw new Waits();
              }
              return StepResult.of("replicated");
            });
    sup.tell(run(1, waiting, specs.failing(StepKind.REPLICATE, "b")));
    expectRan("replicate:a", "replicate:b");
    awaitIdle(sup);

    // No time passes: the wait for a is over and its replication runs again at once, from the
    // plan it has (no listing); b's failure is no wait and keeps its backoff.
    sup.tell(new FilesystemSupervisor.WaitOver("b", DatasetName.of("backup/b")));
    ran.expectNoMessage(Duration.ofMillis(100));
    sup.tell(new FilesystemSupervisor.WaitOver("a", DatasetName.of("backup/a")));
    expectRan("replicate:a");
    awaitIdle(sup);
    cycleRequests.expectNoMessage(Duration.ofMillis(50));
    // The job hears of the replication, to release this filesystem's children.
    assertThat(replications.receiveMessage())
        .satisfies(
            r -> {
              assertThat(r.filesystem()).isEqualTo("pool/fs");
              assertThat(r.destination()).isEqualTo("a");
            });
    sup.tell(run(2, specs.step(StepKind.REPLICATE, "a"), specs.step(StepKind.REPLICATE, "b")));
    expectRan("replicate:a");
    awaitIdle(sup);
    ran.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aReplicationMovesTheFilesystemsStateOnAndTheCyclesPruningIsPlannedFromIt() {
    // Listed: the sender at @a @b with the cursor at @a, the replica at @a.
    Instant t = Instant.parse("2026-11-28T10:00:00Z");
    FilesystemVersion a = FilesystemVersion.snapshot("a", 1, 10, t);
    FilesystemVersion b = FilesystemVersion.snapshot("b", 2, 20, t.plusSeconds(60));
    ReceiverLayout layout = new ReceiverLayout(DatasetName.of("backup/sink"), "n1");
    DatasetName target = layout.receiverPath(Specs.FS);
    JobListing listing =
        new JobListing(
            Optional.empty(),
            Optional.of("zf_"),
            List.of(
                new SenderFilesystem(
                    Specs.FS,
                    List.of(a, b),
                    Map.of("a", new SenderFilesystem.Marks(Optional.of("1"), Optional.empty())))),
            List.of(
                new Destination.Reachable(
                    "a",
                    layout,
                    Map.of(
                        target,
                        new ReplicaDataset(
                            target,
                            List.of(FilesystemVersion.snapshot("a", 1, 3, t)),
                            Optional.of("replica"))))),
            java.util.Set.of(Specs.FS));
    CycleSettings settings = Specs.SETTINGS;
    FilesystemCycle planned =
        CyclePlanner.plan(listing, settings, CycleStart.at(t.plusSeconds(3600))).get(Specs.FS);
    StepSpec.Replicate replicate = (StepSpec.Replicate) planned.steps().get(0);
    Plan.Steps steps = (Plan.Steps) replicate.plan().plan();
    TestProbe<StepSpec> pruned = testKit.createTestProbe();
    StepRunner runner =
        (spec, ports) ->
            spec instanceof StepSpec.Replicate
                ? control ->
                    new StepResult("replicated", 4096)
                        .with(
                            new StepOutput.Replicated(
                                new ReplicationEffect(
                                    "a", steps.steps(), Optional.of(steps.last()))))
                : control -> {
                  pruned.getRef().tell(spec);
                  return StepResult.of("pruned");
                };
    ActorRef<FilesystemSupervisor.Command> sup = supervisor(runner, blocking);
    sup.tell(new FilesystemSupervisor.RunCycle(1, planned, CyclePorts.NONE));

    // Planned from the listing, the sender kept @a as the cursor; after the replication the
    // cursor is @b, and the receiver holds @a and @b, of which last-n 1 keeps @b.
    StepSpec.PruneSender sender = (StepSpec.PruneSender) pruned.receiveMessage();
    assertThat(((PruneOutcome.Evaluated) sender.outcome()).kept()).containsExactly(b);
    StepSpec.PruneReceiver receiver = (StepSpec.PruneReceiver) pruned.receiveMessage();
    assertThat(((PruneOutcome.Evaluated) receiver.outcome()).toDestroy())
        .extracting(FilesystemVersion::name)
        .containsExactly("a");
    // Nothing is left for a further listing to prune.
    awaitIdle(sup);
    cycleRequests.expectNoMessage(Duration.ofMillis(200));
    // Asked for its cycle (the daemon's plan of the job), it answers the one moved on: the
    // replica holds @a and @b, though no listing saw @b there.
    TestProbe<FilesystemSupervisor.CurrentCycle> current = testKit.createTestProbe();
    sup.tell(new FilesystemSupervisor.GetCycle(current.getRef()));
    FilesystemSupervisor.CurrentCycle answer = current.receiveMessage();
    assertThat(answer.filesystem()).isEqualTo(Specs.FS);
    assertThat(answer.cycle()).isPresent();
    assertThat(answer.cycle().get().view().destinations())
        .singleElement()
        .satisfies(
            d ->
                assertThat(
                        ((org.zfleet.cycle.FilesystemView.DestinationView.Reachable) d)
                            .replica()
                            .orElseThrow()
                            .versions())
                    .extracting(FilesystemVersion::name)
                    .containsExactly("a", "b"));
    assertThat(answer.cycle().get().steps())
        .filteredOn(s -> s instanceof StepSpec.PruneReceiver)
        .hasSize(1);
  }

  @Test
  void aSupervisorThatRanNoCycleHasNoneToTell() {
    ActorRef<FilesystemSupervisor.Command> sup = supervisor();
    TestProbe<FilesystemSupervisor.CurrentCycle> current = testKit.createTestProbe();
    sup.tell(new FilesystemSupervisor.GetCycle(current.getRef()));
    assertThat(current.receiveMessage().cycle()).isEmpty();
  }

  @Test
  void aStepThatStopsWithoutReportingIsRecordedAsFailedAndTheCycleGoesOn() {
    // An executor that refuses the step's work: the step actor fails before it can report.
    Executor refusing =
        command -> {
          throw new RejectedExecutionException("no threads left");
        };
    ActorRef<FilesystemSupervisor.Command> sup = supervisor(specs, refusing);
    sup.tell(
        run(1, specs.step(StepKind.PRUNE_SENDER, ""), specs.step(StepKind.PRUNE_RECEIVER, "a")));

    FilesystemStatus after =
        testKit
            .<FilesystemStatus>createTestProbe()
            .awaitAssert(
                Duration.ofSeconds(10),
                () -> {
                  FilesystemStatus s = status(sup);
                  assertThat(s.running()).isEmpty();
                  assertThat(s.lastOutcomes()).hasSize(2);
                  return s;
                });
    assertThat(after.lastOutcomes())
        .allSatisfy(
            o -> {
              assertThat(o.ok()).isFalse();
              assertThat(o.summary()).isEqualTo("step stopped without reporting");
            });
  }
}
