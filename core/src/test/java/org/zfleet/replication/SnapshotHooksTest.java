package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.config.FilesystemFilter;
import org.zfleet.config.Hook;
import org.zfleet.config.KeepRule;
import org.zfleet.config.Pruning;
import org.zfleet.config.SnapJob;
import org.zfleet.config.Snapshotting;
import org.zfleet.cycle.CyclePlanner;
import org.zfleet.cycle.StepSpec;
import org.zfleet.job.CyclePorts;
import org.zfleet.job.JobDriver;
import org.zfleet.job.MutableClock;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepOutput;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.schedule.SnapshotNaming;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ModelHooks.Op;
import org.zfleet.zfs.ZfsCapabilities;

/**
 * A snap job's hooks around its snapshot, as real short-lived processes, over the in-memory ZFS: a
 * failing hook stops the snapshot only if fatal, a hanging one is killed at its timeout, and a
 * cancelled or interrupted step leaves no hook process behind.
 */
@Timeout(30)
class SnapshotHooksTest {

  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final DatasetName ROOT = DatasetName.of("tank/data");
  private static final DatasetName CHILD = DatasetName.of("tank/data/child");
  private static final String SNAPSHOT = new SnapshotNaming("zfleet_").name(NOW);

  private final InMemoryZfs zfs =
      new InMemoryZfs(new MutableClock(NOW), 3, ZfsCapabilities.zfsFuse());

  /**
   * Unique to this test: a hanging hook sleeps this many seconds, so its processes can be found.
   */
  private final String marker = "30." + (100000 + ThreadLocalRandom.current().nextInt(900000));

  @BeforeEach
  void filesystems() {
    zfs.createPools("tank");
    zfs.createFilesystem(CHILD, Map.of(), true);
  }

  @Test
  void fatalHookThatFailsStopsTheSnapshotAndSaysWhy() {
    StepWork work =
        snapshotWith(
            new Hook(
                List.of("sh", "-c", "echo database busy >&2; exit 3"),
                Duration.ofSeconds(10),
                true));

    assertThatThrownBy(() -> work.run(new StepControl()))
        .hasMessageContaining("failed, no snapshot taken")
        .hasMessageContaining("exit code 3")
        .hasMessageContaining("database busy");
    assertThat(zfs.hooks().count(Op.SNAPSHOT)).isZero();
    assertThat(snapshotsOf(ROOT)).isEmpty();
  }

  @Test
  void hookThatFailsWithoutBeingFatalIsReportedAndTheSnapshotIsTaken() throws Exception {
    StepWork work =
        snapshotWith(new Hook(List.of("sh", "-c", "exit 3"), Duration.ofSeconds(10), false));

    StepResult result = work.run(new StepControl());

    assertThat(result.summary())
        .contains("took @" + SNAPSHOT)
        .contains("hook sh failed: exit code 3");
    assertThat(snapshotsOf(ROOT)).containsExactly(SNAPSHOT);
    assertThat(snapshotsOf(CHILD)).containsExactly(SNAPSHOT);
  }

  @Test
  void aFailureReportsTheOutputOfTheHookThatFailedOnly() throws Exception {
    Snapshotting snapshotting =
        new Snapshotting.Periodic(
            "zfleet_",
            Duration.ofMinutes(10),
            List.of(
                new Hook(List.of("sh", "-c", "echo flushed fine"), Duration.ofSeconds(10), false),
                new Hook(
                    List.of("sh", "-c", "echo lock timeout; exit 4"),
                    Duration.ofSeconds(10),
                    false)));
    StepResult result = snapshotStep(snapshotting).run(new StepControl());

    assertThat(result.summary()).endsWith("; pre hook sh failed: exit code 4: lock timeout");
  }

  @Test
  void hooksSeeTheJobAndTheSnapshotName() throws Exception {
    String check = "test \"$ZFLEET_JOB\" = hooked && test \"$ZFLEET_SNAPSHOT\" = " + SNAPSHOT;
    StepWork work =
        snapshotWith(new Hook(List.of("sh", "-c", check), Duration.ofSeconds(10), true));

    work.run(new StepControl());

    assertThat(snapshotsOf(ROOT)).containsExactly(SNAPSHOT);
  }

  /**
   * Issue 11, defect 8: a command hook runs before and after the snapshot (zrepl's meaning), told
   * which by ZFLEET_HOOK, and sees the job's filesystems; after, it hears whether the snapshot was
   * taken.
   */
  @Test
  void aCommandHookRunsBeforeAndAfterTheSnapshotAndIsToldWhich(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("log");
    String script =
        "printf '%s %s %s|%s\\n' \"$ZFLEET_HOOK\" \"$ZFLEET_SNAPSHOT\" \"$ZFLEET_SNAPSHOT_OK\""
            + " \"$ZFLEET_FILESYSTEMS\" | tr '\\n' ';' >> '"
            + log
            + "'; echo >> '"
            + log
            + "'";
    StepWork work =
        snapshotWith(new Hook(List.of("sh", "-c", script), Duration.ofSeconds(10), true));

    work.run(new StepControl());

    assertThat(snapshotsOf(ROOT)).containsExactly(SNAPSHOT);
    assertThat(Files.readAllLines(log))
        .containsExactly(
            "pre " + SNAPSHOT + " |" + ROOT + ";" + CHILD + ";",
            "post " + SNAPSHOT + " true|" + ROOT + ";" + CHILD + ";");
  }

  /** The post hook runs even when the snapshot failed (the database is thawed), and hears so. */
  @Test
  void thePostHookRunsWhenTheSnapshotFails(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("log");
    String script = "echo \"$ZFLEET_HOOK $ZFLEET_SNAPSHOT_OK\" >> '" + log + "'";
    StepWork work =
        snapshotWith(new Hook(List.of("sh", "-c", script), Duration.ofSeconds(10), true));
    zfs.hooks().failNext(Op.SNAPSHOT, 1);

    assertThatThrownBy(() -> work.run(new StepControl())).hasMessageContaining("injected");

    assertThat(Files.readAllLines(log)).containsExactly("pre ", "post false");
  }

  /**
   * Like a stack (zrepl's order): a fatal pre failure stops the snapshot and the hooks after it;
   * the post commands of the hooks before it run, last first, and hear the snapshot was not taken.
   */
  @Test
  void aFatalPreFailureThawsOnlyWhatWasFrozenBeforeIt(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("log");
    java.util.function.Function<String, List<String>> write =
        text -> List.of("sh", "-c", "echo \"" + text + "\" >> '" + log + "'");
    Duration timeout = Duration.ofSeconds(10);
    Snapshotting snapshotting =
        new Snapshotting.Periodic(
            "zfleet_",
            Duration.ofMinutes(10),
            List.of(
                new Hook(
                    Optional.of(write.apply("freeze a")),
                    Optional.of(write.apply("thaw a $ZFLEET_SNAPSHOT_OK")),
                    timeout,
                    true),
                new Hook(
                    Optional.of(write.apply("freeze b")),
                    Optional.of(write.apply("thaw b $ZFLEET_SNAPSHOT_OK")),
                    timeout,
                    false),
                new Hook(
                    Optional.of(List.of("sh", "-c", "exit 5")),
                    Optional.of(write.apply("never: its pre failed")),
                    timeout,
                    true),
                new Hook(
                    Optional.empty(), Optional.of(write.apply("never: cut off")), timeout, false)));

    assertThatThrownBy(() -> snapshotStep(snapshotting).run(new StepControl()))
        .hasMessageContaining("no snapshot taken")
        .hasMessageContaining("exit code 5");

    assertThat(snapshotsOf(ROOT)).isEmpty();
    assertThat(Files.readAllLines(log))
        .containsExactly("freeze a", "freeze b", "thaw b false", "thaw a false");
  }

  @Test
  void hangingHookIsKilledWithItsChildrenAtItsTimeoutAndReported() throws Exception {
    StepWork work = snapshotWith(new Hook(hanging(), Duration.ofSeconds(1), false));

    CompletableFuture<StepResult> run = runAsync(work, new StepControl());
    await("the hook runs", () -> !hookProcesses().isEmpty());
    StepResult result = run.get(20, TimeUnit.SECONDS);

    assertThat(result.summary()).contains("did not finish within 1s and was killed");
    assertThat(snapshotsOf(ROOT)).containsExactly(SNAPSHOT);
    await("no hook process left", () -> hookProcesses().isEmpty());
  }

  @Test
  void fatalHookThatHangsIsKilledAndTakesNoSnapshot() {
    StepWork work = snapshotWith(new Hook(hanging(), Duration.ofSeconds(1), true));

    assertThatThrownBy(() -> work.run(new StepControl())).hasMessageContaining("was killed");

    assertThat(snapshotsOf(ROOT)).isEmpty();
    await("no hook process left", () -> hookProcesses().isEmpty());
  }

  @Test
  void cancelledStepKillsItsRunningHook() throws Exception {
    StepWork work = snapshotWith(new Hook(hanging(), Duration.ofSeconds(60), false));
    StepControl control = new StepControl();

    CompletableFuture<StepResult> run = runAsync(work, control);
    await("the hook runs", () -> !hookProcesses().isEmpty());
    control.cancel("daemon stopping");

    assertThat(run).failsWithin(Duration.ofSeconds(10));
    await("no hook process left", () -> hookProcesses().isEmpty());
    assertThat(snapshotsOf(ROOT)).isEmpty();
  }

  @Test
  void interruptedStepKillsItsRunningHook() throws Exception {
    // What the daemon's shutdown does to step threads (shutdownNow) before the actors stop.
    StepWork work = snapshotWith(new Hook(hanging(), Duration.ofSeconds(60), false));
    Thread thread =
        new Thread(
            () -> {
              try {
                work.run(new StepControl());
              } catch (Exception e) {
                // Interrupted: expected.
              }
            },
            "hook-step");
    thread.start();
    await("the hook runs", () -> !hookProcesses().isEmpty());
    thread.interrupt();
    thread.join(10_000);

    assertThat(thread.isAlive()).isFalse();
    await("no hook process left", () -> hookProcesses().isEmpty());
  }

  // ---- helpers

  /** The snapshot step of a job over tank/data and below, with one hook, after one listing. */
  private StepWork snapshotWith(Hook hook) {
    Snapshotting snapshotting =
        new Snapshotting.Periodic("zfleet_", Duration.ofMinutes(10), List.of(hook));
    return snapshotStep(snapshotting);
  }

  /** The job's snapshot step as the daemon plans and runs it, after one listing. */
  private StepWork snapshotStep(Snapshotting snapshotting) {
    SnapJob job =
        new SnapJob(
            "hooked",
            FilesystemFilter.subtree(ROOT),
            snapshotting,
            new Pruning(List.of(new KeepRule.LastN(1, Optional.empty())), Pruning.Scope.OWN));
    JobDriver driver =
        JobDrivers.snap(
            job,
            "n1",
            TestPorts.of(zfs, (sink, identity) -> null, Runnable::run),
            Duration.ofMinutes(1),
            JobDrivers.SNAP_BACKOFF);
    StepOutput.Listed listed;
    try {
      listed =
          (StepOutput.Listed)
              driver
                  .runner()
                  .work(new StepSpec.ListJob(), CyclePorts.NONE)
                  .run(new StepControl())
                  .output()
                  .orElseThrow();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    StepSpec snapshot = CyclePlanner.snapshot(listed.listing(), driver.settings(), NOW);
    return driver.runner().work(snapshot, listed.ports());
  }

  /** A hook that outlives any timeout here, through a child process (sh waits for sleep). */
  private List<String> hanging() {
    return List.of("sh", "-c", "sleep " + marker + "; echo woke");
  }

  private List<ProcessHandle> hookProcesses() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains("sleep " + marker))
        .toList();
  }

  private List<String> snapshotsOf(DatasetName fs) {
    return zfs.list(List.of(fs), Set.of()).stream()
        .filter(d -> d.name().equals(fs))
        .flatMap(d -> d.versions().stream())
        .map(FilesystemVersion::name)
        .toList();
  }

  private static CompletableFuture<StepResult> runAsync(StepWork work, StepControl control) {
    CompletableFuture<StepResult> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(work.run(control));
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "hook-step");
    thread.setDaemon(true);
    thread.start();
    return result;
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 10 s").isLessThan(deadline);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
