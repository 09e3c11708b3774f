package org.zfleet.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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

  /** A job with a 10-minute snapshot interval over a set of filesystems the test changes. */
  private final class FakeDriver implements JobDriver {
    volatile List<String> zfs = List.of("pool/a", "pool/b");
    volatile List<String> listed = List.of();
    volatile Instant lastSnapshot;
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public String job() {
      return "snapjob";
    }

    @Override
    public Optional<Instant> nextSnapshotDue(Instant now) {
      return Optional.of(lastSnapshot == null ? now : lastSnapshot.plus(Duration.ofMinutes(10)));
    }

    @Override
    public Optional<Instant> nextReplanDue(Instant now) {
      return Optional.empty();
    }

    @Override
    public StepWork snapshot(Instant now) {
      return control -> {
        lastSnapshot = now;
        events.add("snapshot " + listed.size());
        return StepResult.of("snapshot");
      };
    }

    @Override
    public StepWork list() {
      return control -> {
        listed = zfs;
        events.add("list");
        return StepResult.of("listed " + listed.size());
      };
    }

    @Override
    public List<String> filesystems() {
      return listed;
    }

    @Override
    public List<PlannedStep> steps(String filesystem) {
      return List.of(
          new PlannedStep(
              StepKind.PRUNE_SENDER,
              "",
              c -> {
                events.add("prune " + filesystem);
                return StepResult.of("pruned");
              }));
    }

    @Override
    public Duration stallTimeout() {
      return Duration.ofMinutes(1);
    }

    @Override
    public Backoff backoff() {
      return new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(1));
    }
  }

  private ActorRef<JobActor.Command> spawn(FakeDriver driver) {
    return testKit.spawn(
        JobActor.create(
            driver, new JobActor.NodeContext(watchdog, Optional.empty(), blocking, clock)));
  }

  private JobStatus status(ActorRef<JobActor.Command> job) {
    TestProbe<JobStatus> probe = testKit.createTestProbe();
    job.tell(new JobActor.GetStatus(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }

  @Test
  void listsFirstThenSnapshotsOnScheduleListingOncePerCycle() {
    FakeDriver driver = new FakeDriver();
    ActorRef<JobActor.Command> job = spawn(driver);
    await(() -> driver.events.stream().filter(e -> e.startsWith("prune")).count() >= 2);
    // The first listing found no snapshot, so one is due at once.
    await(() -> driver.events.contains("snapshot 2"));
    await(() -> driver.events.stream().filter(e -> e.equals("list")).count() == 2);
    assertThat(driver.events.stream().filter(e -> e.equals("list")).count()).isEqualTo(2);
    await(() -> status(job).phase().equals("idle"));

    // Nothing more until the interval has passed.
    manualTime.timePasses(Duration.ofMinutes(9));
    assertThat(driver.events.stream().filter(e -> e.startsWith("snapshot")).count()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(10));
    manualTime.timePasses(Duration.ofMinutes(1));
    await(() -> driver.events.stream().filter(e -> e.startsWith("snapshot")).count() == 2);
  }

  @Test
  void supervisorsFollowFilesystemsThatAppearAndVanish() {
    FakeDriver driver = new FakeDriver();
    ActorRef<JobActor.Command> job = spawn(driver);
    await(() -> status(job).filesystems().size() == 2);
    driver.zfs = List.of("pool/b", "pool/c", "pool/d");
    job.tell(new JobActor.Wakeup());
    await(
        () ->
            status(job).filesystems().stream()
                .map(FilesystemStatus::filesystem)
                .toList()
                .equals(List.of("pool/b", "pool/c", "pool/d")));
  }

  @Test
  void wakeupTakesASnapshotEvenBeforeItIsDue() {
    FakeDriver driver = new FakeDriver();
    driver.lastSnapshot = clock.instant();
    ActorRef<JobActor.Command> job = spawn(driver);
    await(() -> driver.events.contains("list"));
    await(() -> status(job).phase().equals("idle"));
    assertThat(driver.events).noneMatch(e -> e.startsWith("snapshot"));
    job.tell(new JobActor.Wakeup());
    await(() -> driver.events.contains("snapshot 2"));
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
