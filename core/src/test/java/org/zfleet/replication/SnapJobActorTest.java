package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.LoadResult;
import org.zfleet.config.SnapJob;
import org.zfleet.job.Backoff;
import org.zfleet.job.FilesystemStatus;
import org.zfleet.job.JobActor;
import org.zfleet.job.JobDriver;
import org.zfleet.job.JobStatus;
import org.zfleet.job.MutableClock;
import org.zfleet.job.NodeContext;
import org.zfleet.job.StepKind;
import org.zfleet.job.Watchdog;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.schedule.SnapshotNaming;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ModelHooks.Op;
import org.zfleet.zfs.ZfsCapabilities;
import org.zfleet.zfs.ZfsException;

/**
 * A snap job as the daemon runs it (job actor, supervisors, {@link SnapJobDriver}) over the
 * in-memory ZFS, with the scheduler's manual time and a clock moved alongside it.
 */
@Timeout(60)
class SnapJobActorTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final Instant START = Instant.parse("2026-11-28T12:00:00Z");
  private static final Duration INTERVAL = Duration.ofMinutes(10);
  private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(5));
  private static final SnapshotNaming NAMING = new SnapshotNaming("zfleet_");
  private static final DatasetName ROOT = DatasetName.of("tank/data");
  private static final DatasetName A = DatasetName.of("tank/data/a");
  private static final DatasetName B = DatasetName.of("tank/data/b");

  private final ManualTime manualTime = ManualTime.get(testKit.system());
  private final MutableClock clock = new MutableClock(START.minus(Duration.ofHours(1)));
  private final InMemoryZfs zfs = new InMemoryZfs(clock, 7, ZfsCapabilities.zfsFuse());
  private ExecutorService blocking;
  private ActorRef<Watchdog.Command> watchdog;
  private ActorRef<JobActor.Command> job;

  /** Snapshot times of the job's cycles so far, oldest first. */
  private final List<Instant> taken = new ArrayList<>();

  @BeforeEach
  void start() {
    blocking = Executors.newCachedThreadPool();
    watchdog = testKit.spawn(Watchdog.create(Duration.ofSeconds(1)));
    zfs.createPools("tank");
  }

  @AfterEach
  void stop() {
    if (job != null) {
      testKit.stop(job);
    }
    testKit.stop(watchdog);
    blocking.shutdownNow();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void keepsExactlyTheLastThreeOwnSnapshotsOverCyclesAndLeavesOtherSnapshotsAlone() {
    filesystems(ROOT, A, B);
    zfs.snapshot(List.of(A), "manual_daily");
    zfs.snapshot(List.of(B), "zfleet_not-a-time");
    zfs.snapshot(List.of(ROOT), NAMING.name(Instant.parse("2020-01-01T00:00:00Z")));
    startJob("");

    Map<DatasetName, List<String>> history = new TreeMap<>();
    history.put(ROOT, new ArrayList<>(List.of(NAMING.name(Instant.parse("2020-01-01T00:00:00Z")))));
    history.put(A, new ArrayList<>());
    history.put(B, new ArrayList<>());
    for (int cycle = 0; cycle < 6; cycle++) {
      if (cycle == 0) {
        awaitFirstSnapshot();
      } else {
        nextInterval();
      }
      String latest = NAMING.name(taken.get(taken.size() - 1));
      history.values().forEach(h -> h.add(latest));
      for (DatasetName fs : List.of(ROOT, A, B)) {
        List<String> h = history.get(fs);
        assertThat(ownTimestamped(fs))
            .as("own snapshots of %s after cycle %d: the last three by last-n(3)", fs, cycle)
            .containsExactlyElementsOf(h.subList(Math.max(0, h.size() - 3), h.size()));
      }
      assertThat(names(A)).contains("manual_daily");
      assertThat(names(B)).contains("zfleet_not-a-time");
    }
    int destroyedByRules = history.values().stream().mapToInt(h -> Math.max(0, h.size() - 3)).sum();
    assertThat(zfs.hooks().count(Op.DESTROY))
        .as("one destroy per snapshot the rules drop, none of another tool's")
        .isEqualTo(destroyedByRules);
  }

  @Test
  void wakeupInTheSecondOfTheLastSnapshotTakesNoSecondOneAndReportsNoError() {
    filesystems(ROOT, A);
    startJob("");
    awaitFirstSnapshot();
    long snapshotsTaken = zfs.hooks().count(Op.SNAPSHOT);

    // The clock has not moved: this snapshot's name is the one just taken.
    long cycle = status().cycle();
    job.tell(new JobActor.Wakeup());
    JobStatus after = awaitSettled(cycle + 1);

    assertThat(after.lastError()).isEmpty();
    assertThat(zfs.hooks().count(Op.SNAPSHOT)).as("snapshot commands").isEqualTo(snapshotsTaken);
    for (DatasetName fs : List.of(ROOT, A)) {
      assertThat(ownTimestamped(fs)).containsExactly(NAMING.name(START));
    }

    // A second later a wakeup takes its own.
    clock.advance(Duration.ofSeconds(1));
    cycle = status().cycle();
    job.tell(new JobActor.Wakeup());
    awaitSettled(cycle + 1);
    for (DatasetName fs : List.of(ROOT, A)) {
      assertThat(ownTimestamped(fs))
          .containsExactly(NAMING.name(START), NAMING.name(START.plusSeconds(1)));
    }
  }

  @Test
  void heldSnapshotIsReportedLeftForTheNextCycleAndDestroyedOnceReleased() {
    filesystems(ROOT, A, B);
    startJob("");
    awaitFirstSnapshot();
    nextInterval();
    nextInterval();
    String first = NAMING.name(taken.get(0));
    zfs.hold(A.snapshot(first), "backup-tool");

    nextInterval();
    assertThat(ownTimestamped(ROOT)).doesNotContain(first).hasSize(3);
    assertThat(ownTimestamped(B)).doesNotContain(first).hasSize(3);
    assertThat(ownTimestamped(A)).contains(first).hasSize(4);
    assertThat(pruneOutcome(A).summary())
        .contains("left for next cycle: " + first + " (busy or held)");

    int destroysBefore = zfs.hooks().count(Op.DESTROY);
    nextInterval();
    assertThat(ownTimestamped(A)).contains(first).hasSize(4);
    assertThat(pruneOutcome(A).summary())
        .contains("left for next cycle: " + first + " (busy or held)");
    // Tried again (and failed again): per filesystem one new snapshot to drop, plus the held one.
    assertThat(zfs.hooks().count(Op.DESTROY) - destroysBefore).isEqualTo(4);

    zfs.release(A.snapshot(first), "backup-tool");
    nextInterval();
    assertThat(ownTimestamped(A)).doesNotContain(first).hasSize(3);
    assertThat(pruneOutcome(A).summary()).doesNotContain("left for next cycle");
  }

  @Test
  void filesystemThatAppearsGetsASupervisorAndOneThatVanishesLosesIt() {
    filesystems(ROOT, A, B);
    startJob("");
    awaitFirstSnapshot();
    assertThat(supervised()).containsExactly("tank/data", "tank/data/a", "tank/data/b");

    DatasetName fresh = DatasetName.of("tank/data/fresh");
    zfs.createFilesystem(fresh, Map.of(), false);
    nextInterval();
    assertThat(supervised())
        .containsExactly("tank/data", "tank/data/a", "tank/data/b", "tank/data/fresh");
    assertThat(ownTimestamped(fresh)).containsExactly(NAMING.name(taken.get(1)));

    zfs.destroyRecursive(A);
    nextInterval();
    assertThat(supervised()).containsExactly("tank/data", "tank/data/b", "tank/data/fresh");
  }

  @Test
  void eachCycleListsOnceWhateverTheNumberOfFilesystems() {
    List<DatasetName> all = new ArrayList<>(List.of(ROOT));
    for (int i = 0; i < 6; i++) {
      all.add(DatasetName.of("tank/data/fs" + i));
    }
    filesystems(all.toArray(DatasetName[]::new));
    startJob("");
    awaitFirstSnapshot();

    zfs.hooks().resetCounts();
    nextInterval();
    assertThat(zfs.hooks().count(Op.LIST)).as("zfs list per scheduled cycle").isEqualTo(1);
    assertThat(zfs.hooks().count(Op.SNAPSHOT))
        .as("one zfs snapshot -r for the whole subtree")
        .isEqualTo(1);

    zfs.hooks().resetCounts();
    clock.advance(Duration.ofMinutes(1));
    long cycle = status().cycle();
    job.tell(new JobActor.Wakeup());
    awaitSettled(cycle + 1);
    assertThat(zfs.hooks().count(Op.LIST)).as("zfs list per cycle started by wakeup").isEqualTo(1);
    assertThat(zfs.hooks().count(Op.SNAPSHOT)).isEqualTo(1);
  }

  @Test
  void failedDestroyIsRecordedRetriedWithBackoffAndHoldsUpNoOtherFilesystem() {
    filesystems(ROOT, A, B);
    startJob("");
    awaitFirstSnapshot();
    nextInterval();
    nextInterval();
    String first = NAMING.name(taken.get(0));
    zfs.hooks().failNext(Op.DESTROY, 1, m -> new ZfsException.Failed(m, List.of(), "I/O error"));

    nextInterval();
    List<FilesystemStatus> failed =
        status().filesystems().stream().filter(f -> !f.healthy()).toList();
    assertThat(failed).as("exactly one filesystem's prune failed").hasSize(1);
    DatasetName unlucky = DatasetName.of(failed.get(0).filesystem());
    assertThat(pruneOutcome(unlucky).summary()).contains("injected failure");
    for (DatasetName fs : List.of(ROOT, A, B)) {
      assertThat(ownTimestamped(fs)).as(fs.value()).hasSize(fs.equals(unlucky) ? 4 : 3);
    }

    // Retried after the backoff, well before the next snapshot is due: the retry asks the job for
    // a fresh listing.
    long cycle = status().cycle();
    clock.advance(BACKOFF.min());
    manualTime.timePasses(BACKOFF.min());
    awaitSettled(cycle + 1);
    assertThat(ownTimestamped(ROOT)).as("no snapshot taken by the retry").hasSize(3);
    assertThat(pruneOutcome(unlucky).ok()).isTrue();
    assertThat(ownTimestamped(unlucky)).doesNotContain(first).hasSize(3);
  }

  @Test
  void fatalHookFailureTakesNoSnapshotIsReportedAndRetriedAfterBackoffNotAtOnce(@TempDir Path dir)
      throws IOException {
    filesystems(ROOT, A);
    Path runs = dir.resolve("runs");
    startJob(
        ", hooks = [ { command = [ \"sh\", \"-c\", \"echo ran >> '"
            + runs
            + "'; exit 3\" ],"
            + " timeout = 10s, err-is-fatal = true } ]");
    await(() -> hookRuns(runs) >= 1 && settled(status(), 2) ? true : null);

    assertThat(ownTimestamped(ROOT)).isEmpty();
    assertThat(zfs.hooks().count(Op.SNAPSHOT)).isZero();
    assertThat(status().lastError())
        .hasValueSatisfying(e -> assertThat(e).contains("hook").contains("exit code 3"));
    // Without time passing, no second attempt: a failing hook is retried after a backoff. The
    // job is idle (a round trip), so no attempt is on its way.
    assertThat(status().phase()).isEqualTo("idle");
    assertThat(hookRuns(runs)).isEqualTo(1);

    clock.advance(BACKOFF.min());
    manualTime.timePasses(BACKOFF.min());
    await(() -> hookRuns(runs) >= 2 ? true : null);
    assertThat(ownTimestamped(ROOT)).isEmpty();
  }

  // ---- the job and its cycles

  private void filesystems(DatasetName... names) {
    for (DatasetName name : names) {
      zfs.createFilesystem(name, Map.of(), true);
    }
  }

  private void startJob(String snapshottingExtra) {
    clock.set(START);
    JobDriver driver =
        JobDrivers.snap(
            snapJob(snapshottingExtra),
            "n1",
            TestPorts.of(zfs, (sink, identity) -> null, blocking),
            Duration.ofMinutes(1),
            BACKOFF);
    job =
        testKit.spawn(
            JobActor.create(driver, new NodeContext(watchdog, Optional.empty(), blocking, clock)));
  }

  private static SnapJob snapJob(String snapshottingExtra) {
    String text =
        """
        zfleet {
          node { name = "n1" }
          jobs = [ {
            name = "snap", type = snap
            filesystems { "tank/data<" = true }
            snapshotting { type = periodic, prefix = "zfleet_", interval = 10m %s }
            pruning { keep = [ { type = last-n, count = 3 } ] }
          } ]
        }
        """
            .formatted(snapshottingExtra);
    LoadResult loaded = ConfigLoader.parse(text, "snap.conf", "n1");
    assertThat(loaded.errors()).isEmpty();
    return (SnapJob) loaded.config().orElseThrow().job("snap").orElseThrow();
  }

  /** The first listing finds no snapshot of the job, so it takes one at once (cycle 2). */
  private void awaitFirstSnapshot() {
    awaitSettled(2);
    taken.add(START);
  }

  /** Moves both clocks by the interval and waits for that cycle's snapshot and pruning. */
  private void nextInterval() {
    long cycle = status().cycle();
    clock.advance(INTERVAL);
    manualTime.timePasses(INTERVAL);
    awaitSettled(cycle + 1);
    taken.add(clock.instant());
  }

  private JobStatus awaitSettled(long cycle) {
    return await(
        () -> {
          JobStatus s = status();
          return settled(s, cycle) ? s : null;
        });
  }

  /** Idle at or past {@code cycle}, every supervisor done with that cycle. */
  private static boolean settled(JobStatus s, long cycle) {
    return s.phase().equals("idle")
        && s.cycle() >= cycle
        && s.filesystems().stream()
            .allMatch(
                f ->
                    f.cycle() == s.cycle() && f.running().isEmpty() && !f.lastOutcomes().isEmpty());
  }

  private JobStatus status() {
    TestProbe<JobStatus> probe = testKit.createTestProbe();
    job.tell(new JobActor.GetStatus(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }

  private List<String> supervised() {
    return status().filesystems().stream().map(FilesystemStatus::filesystem).toList();
  }

  private FilesystemStatus.Outcome pruneOutcome(DatasetName fs) {
    return status().filesystems().stream()
        .filter(f -> f.filesystem().equals(fs.value()))
        .flatMap(f -> f.lastOutcomes().stream())
        .filter(o -> o.kind() == StepKind.PRUNE_SENDER)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no prune outcome for " + fs));
  }

  // ---- what ZFS holds

  private List<FilesystemVersion> versions(DatasetName fs) {
    return zfs.list(List.of(fs), Set.of()).stream()
        .filter(d -> d.name().equals(fs))
        .map(DatasetListing::versions)
        .findFirst()
        .orElseThrow(() -> new AssertionError(fs + " does not exist"));
  }

  private List<String> names(DatasetName fs) {
    return versions(fs).stream().map(FilesystemVersion::name).toList();
  }

  /** The job's own, well-formed snapshot names on {@code fs}, oldest first. */
  private List<String> ownTimestamped(DatasetName fs) {
    return versions(fs).stream()
        .map(FilesystemVersion::name)
        .filter(n -> NAMING.parse(n) instanceof SnapshotNaming.Parsed.Timestamped)
        .sorted()
        .toList();
  }

  private static int hookRuns(Path runs) {
    try {
      return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static <T> T await(Supplier<T> condition) {
    return testKit
        .<T>createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(15),
            Duration.ofMillis(10),
            () -> {
              T value = condition.get();
              assertThat(value).as("condition within 15 s").isNotNull();
              return value;
            });
  }
}
