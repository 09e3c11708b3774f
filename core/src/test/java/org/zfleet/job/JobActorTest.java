package org.zfleet.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zfleet.config.KeepRule;
import org.zfleet.config.Pruning;
import org.zfleet.config.Snapshotting;
import org.zfleet.cycle.CycleSettings;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.SenderFilesystem;
import org.zfleet.cycle.StepSpec;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.InitialReplication;

class JobActorTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private final ManualTime manualTime = ManualTime.get(testKit.system());
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private ExecutorService blocking;
  private ActorRef<Watchdog.Command> watchdog;

  @BeforeEach
  void start() {
    blocking = Executors.newCachedThreadPool();
    watchdog = testKit.spawn(Watchdog.create(Duration.ofSeconds(1)));
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

  /**
   * A snap job with a 10-minute snapshot interval over filesystems the test changes; every step it
   * runs is told to {@code events}.
   */
  private final class FakeJob implements StepRunner {
    volatile List<String> zfs = List.of("pool/a", "pool/b");
    final List<String> snapshots = new CopyOnWriteArrayList<>();
    final TestProbe<String> events = testKit.createTestProbe();
    volatile DatasetName crashOn;
    volatile int listingsToFail;
    volatile int snapshotsToFail;
    volatile Snapshotting snapshotting =
        new Snapshotting.Periodic("zf_", Duration.ofMinutes(10), List.of());

    JobDriver driver() {
      CycleSettings settings =
          new CycleSettings(
              CycleSettings.Kind.SNAP,
              "snapjob",
              "n1",
              List.of(),
              snapshotting,
              Optional.of(
                  new Pruning(
                      List.of(new KeepRule.LastN(100, Optional.empty())), Pruning.Scope.ALL)),
              Optional.empty(),
              InitialReplication.MOST_RECENT,
              Optional.empty());
      return new JobDriver(
          settings,
          this,
          Duration.ofMinutes(1),
          new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(1)));
    }

    @Override
    public StepWork work(StepSpec spec, CyclePorts ports) {
      if (spec instanceof StepSpec.PruneSender p && p.filesystem().equals(crashOn)) {
        throw new AssertionError("a broken runner");
      }
      return control -> {
        if (spec instanceof StepSpec.ListJob && listingsToFail > 0) {
          listingsToFail--;
          events.getRef().tell("list failed");
          throw new IllegalStateException("zfs get: the zfs-fuse daemon is not running");
        }
        if (spec instanceof StepSpec.ListJob) {
          List<SenderFilesystem> listed =
              zfs.stream().map(fs -> SenderFilesystem.of(DatasetName.of(fs), versions())).toList();
          events.getRef().tell("list");
          return StepResult.of("listed")
              .with(
                  new StepOutput.Listed(
                      JobListing.own(Optional.of("zf_"), listed), CyclePorts.NONE));
        }
        if (spec instanceof StepSpec.Snapshot && snapshotsToFail > 0) {
          snapshotsToFail--;
          events.getRef().tell("snapshot failed");
          throw new IllegalStateException("pool is read-only");
        }
        if (spec instanceof StepSpec.Snapshot s) {
          snapshots.add(s.name());
          events.getRef().tell("snapshot " + s.filesystems().size());
          return StepResult.of("snapshot");
        }
        if (spec instanceof StepSpec.PruneSender p) {
          events.getRef().tell("prune " + p.filesystem());
          return StepResult.of("pruned");
        }
        events.getRef().tell("other " + spec);
        return StepResult.of("done");
      };
    }

    private List<FilesystemVersion> versions() {
      return snapshots.stream()
          .map(name -> FilesystemVersion.snapshot(name, name.hashCode(), 1, clock.instant()))
          .toList();
    }

    void expect(String... events) {
      for (String event : events) {
        assertThat(this.events.receiveMessage(Duration.ofSeconds(10))).isEqualTo(event);
      }
    }

    /** The events of one cycle: the listing and each filesystem's prune, in either order. */
    void expectCycle(String... filesystems) {
      expect("list");
      List<String> prunes =
          this.events.receiveSeveralMessages(filesystems.length, Duration.ofSeconds(10));
      assertThat(prunes)
          .containsExactlyInAnyOrderElementsOf(
              java.util.Arrays.stream(filesystems).map(fs -> "prune " + fs).toList());
    }
  }

  private ActorRef<JobActor.Command> spawn(FakeJob job) {
    return testKit.spawn(
        JobActor.create(
            job.driver(), new NodeContext(watchdog, Optional.empty(), blocking, clock)));
  }

  private JobStatus status(ActorRef<JobActor.Command> job) {
    TestProbe<JobStatus> probe = testKit.createTestProbe();
    job.tell(new JobActor.GetStatus(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }

  private void awaitIdle(ActorRef<JobActor.Command> job) {
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10), () -> assertThat(status(job).phase()).isEqualTo("idle"));
  }

  @Test
  void listsFirstThenSnapshotsOnScheduleListingOncePerCycle() {
    FakeJob fake = new FakeJob();
    ActorRef<JobActor.Command> job = spawn(fake);
    fake.expect("list");
    // The first listing found no snapshot, so one is due at once; each cycle lists once.
    List<String> next = fake.events.receiveSeveralMessages(6, Duration.ofSeconds(10));
    assertThat(next).filteredOn("list"::equals).hasSize(1);
    assertThat(next).filteredOn(e -> e.startsWith("prune")).hasSize(4);
    assertThat(next.indexOf("snapshot 2")).isNotNegative().isLessThan(next.indexOf("list"));
    awaitIdle(job);

    // Nothing more until the interval has passed.
    manualTime.timePasses(Duration.ofMinutes(9));
    fake.events.expectNoMessage(Duration.ofMillis(100));
    clock.advance(Duration.ofMinutes(10));
    manualTime.timePasses(Duration.ofMinutes(1));
    fake.expect("snapshot 2");
    fake.expectCycle("pool/a", "pool/b");
    assertThat(fake.snapshots).hasSize(2);
  }

  @Test
  void aJobWhoseFilesystemsAreAllGoneWaitsForItsScheduleAndSaysSoOnce() {
    FakeJob fake = new FakeJob();
    fake.snapshots.add("zf_20261128T115500Z");
    fake.zfs = List.of();
    try (CapturedLog log = CapturedLog.of(JobActor.class)) {
      ActorRef<JobActor.Command> job = spawn(fake);
      fake.expect("list");
      // Nothing is selected (its pool is exported, or not imported yet at boot): no snapshot is
      // due, and the job does not loop snapshot -> list.
      fake.events.expectNoMessage(Duration.ofMillis(300));
      awaitIdle(job);
      assertThat(status(job).nextSnapshot()).hasValue(clock.instant().plus(Duration.ofMinutes(10)));

      // It looks again at its next snapshot time, and stays quiet about what it said already.
      clock.advance(Duration.ofMinutes(10));
      manualTime.timePasses(Duration.ofMinutes(10));
      fake.expect("list");
      fake.events.expectNoMessage(Duration.ofMillis(300));
      awaitIdle(job);
      assertThat(log.messages()).filteredOn(m -> m.contains("nothing selected")).hasSize(1);

      // The pool is back: the next cycle snapshots it.
      fake.zfs = List.of("pool/a");
      clock.advance(Duration.ofMinutes(10));
      manualTime.timePasses(Duration.ofMinutes(10));
      fake.expect("list", "snapshot 1");
      fake.expectCycle("pool/a");
    }
  }

  @Test
  void aFailedListingIsRetriedAfterTheBackoffNotAtTheNextSnapshot() {
    FakeJob fake = new FakeJob();
    fake.snapshots.add("zf_20261128T115500Z");
    fake.listingsToFail = 2;
    ActorRef<JobActor.Command> job = spawn(fake);
    fake.expect("list failed");
    awaitIdle(job);
    // The backoff starts at 10 s and doubles; the next snapshot is not due before 12:05.
    manualTime.timePasses(Duration.ofSeconds(9));
    fake.events.expectNoMessage(Duration.ofMillis(100));
    clock.advance(Duration.ofSeconds(10));
    manualTime.timePasses(Duration.ofSeconds(1));
    fake.expect("list failed");
    awaitIdle(job);
    assertThat(status(job).lastError()).hasValueSatisfying(e -> assertThat(e).contains("daemon"));
    manualTime.timePasses(Duration.ofSeconds(19));
    fake.events.expectNoMessage(Duration.ofMillis(100));
    clock.advance(Duration.ofSeconds(20));
    manualTime.timePasses(Duration.ofSeconds(1));
    fake.expectCycle("pool/a", "pool/b");
    awaitIdle(job);
    assertThat(status(job).lastError()).isEmpty();
  }

  @Test
  void aWakeupOfAJobWithManualSnapshottingReplicatesAndPrunesWithoutASnapshot() {
    // zrepl's manual snapshotting: another job or the operator snapshots; a wakeup takes none.
    FakeJob fake = new FakeJob();
    fake.snapshotting = new Snapshotting.Manual(Optional.of("zf_"));
    ActorRef<JobActor.Command> job = spawn(fake);
    fake.expectCycle("pool/a", "pool/b");
    awaitIdle(job);
    job.tell(new JobActor.Wakeup());
    fake.expectCycle("pool/a", "pool/b");
    awaitIdle(job);
    fake.events.expectNoMessage(Duration.ofMillis(200));
    assertThat(fake.snapshots).isEmpty();
    assertThat(status(job).nextSnapshot()).isEmpty();
  }

  /** Issue 11, Supervision: a job-wide step actor that dies without answering. */
  @Test
  void aJobStepThatStopsWithoutReportingIsAFailureNotAStuckJob() {
    FakeJob fake = new FakeJob();
    fake.snapshots.add("zf_20261128T115500Z");
    java.util.concurrent.atomic.AtomicInteger refusals =
        new java.util.concurrent.atomic.AtomicInteger(1);
    // An executor that refuses the first step: its actor fails before it can report.
    java.util.concurrent.Executor refusingOnce =
        command -> {
          if (refusals.getAndDecrement() > 0) {
            throw new java.util.concurrent.RejectedExecutionException("no threads left");
          }
          blocking.execute(command);
        };
    ActorRef<JobActor.Command> job =
        testKit.spawn(
            JobActor.create(
                fake.driver(), new NodeContext(watchdog, Optional.empty(), refusingOnce, clock)));
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () ->
                assertThat(status(job).lastError())
                    .hasValueSatisfying(e -> assertThat(e).contains("stopped without reporting")));
    clock.advance(Duration.ofSeconds(10));
    manualTime.timePasses(Duration.ofSeconds(10));
    fake.expectCycle("pool/a", "pool/b");
  }

  /** {@code zfleet signal reset}: the operator fixed the cause; the job does not wait it out. */
  @Test
  void aResetClearsTheSnapshotBackoffAndStartsAgainAtOnce() {
    FakeJob fake = new FakeJob();
    fake.snapshotsToFail = 1;
    ActorRef<JobActor.Command> job = spawn(fake);
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              assertThat(status(job).phase()).isEqualTo("idle");
              assertThat(status(job).lastError())
                  .hasValueSatisfying(e -> assertThat(e).contains("read-only"));
              return null;
            });
    drain(fake);

    job.tell(new JobActor.Reset());

    // Without any time passing: the snapshot's backoff is gone, and it is due.
    fake.expect("snapshot 2");
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              assertThat(status(job).phase()).isEqualTo("idle");
              assertThat(status(job).lastError()).isEmpty();
              return null;
            });
    assertThat(fake.snapshots).hasSize(1);
  }

  /** Takes every event told so far (the supervisors' steps of a cycle come in any order). */
  private static void drain(FakeJob fake) {
    while (true) {
      try {
        fake.events.receiveMessage(Duration.ofMillis(300));
      } catch (AssertionError quiet) {
        return;
      }
    }
  }

  @Test
  void supervisorsFollowFilesystemsThatAppearAndVanish() {
    FakeJob fake = new FakeJob();
    fake.snapshots.add("zf_20261128T120000Z");
    ActorRef<JobActor.Command> job = spawn(fake);
    fake.expectCycle("pool/a", "pool/b");
    fake.zfs = List.of("pool/b", "pool/c", "pool/d");
    job.tell(new JobActor.Wakeup());
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () ->
                assertThat(status(job).filesystems())
                    .extracting(FilesystemStatus::filesystem)
                    .containsExactly("pool/b", "pool/c", "pool/d"));
  }

  @Test
  void wakeupTakesASnapshotEvenBeforeItIsDue() {
    FakeJob fake = new FakeJob();
    fake.snapshots.add("zf_20261128T115500Z");
    ActorRef<JobActor.Command> job = spawn(fake);
    fake.expectCycle("pool/a", "pool/b");
    awaitIdle(job);
    fake.events.expectNoMessage(Duration.ofMillis(100));
    job.tell(new JobActor.Wakeup());
    fake.expect("snapshot 2");
  }

  @Test
  void aSupervisorThatStopsIsReportedAndMadeAnewByTheNextCycle() {
    FakeJob fake = new FakeJob();
    fake.snapshots.add("zf_20261128T120000Z");
    fake.crashOn = DatasetName.of("pool/a");
    ActorRef<JobActor.Command> job = spawn(fake);
    fake.expect("list", "prune pool/b");

    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              JobStatus s = status(job);
              assertThat(s.lastError())
                  .hasValueSatisfying(e -> assertThat(e).contains("supervisor of pool/a stopped"));
              assertThat(s.filesystems())
                  .extracting(FilesystemStatus::filesystem)
                  .containsExactly("pool/b");
              return s;
            });

    fake.crashOn = null;
    clock.advance(Duration.ofMinutes(1));
    job.tell(new JobActor.Wakeup());
    fake.expect("snapshot 2");
    fake.expectCycle("pool/a", "pool/b");
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () ->
                assertThat(status(job).filesystems())
                    .extracting(FilesystemStatus::filesystem)
                    .containsExactly("pool/a", "pool/b"));
  }
}
