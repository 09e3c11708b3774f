package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.LoadResult;
import org.zfleet.config.SnapJob;
import org.zfleet.cycle.PrunePolicies;
import org.zfleet.job.FilesystemStatus;
import org.zfleet.job.JobStatus;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.node.cli.ZfleetCommand;
import org.zfleet.prune.PruneContext;
import org.zfleet.prune.PruneOutcome;
import org.zfleet.prune.PrunePolicy;
import org.zfleet.prune.Pruner;
import org.zfleet.schedule.SnapshotNaming;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.RealZfsFixture;
import org.zfleet.zfs.ZfsCli;
import org.zfleet.zfs.ZfsCliConfig;

/**
 * The end-to-end check on real zfs-fuse: {@code zfleet test prune} says beforehand what a
 * snap job will destroy; the daemon, with a 2 s interval and one {@code zfleet signal wakeup}, then
 * snapshots and prunes over several cycles, destroys exactly that, keeps exactly what the rules
 * keep over everything it took, and leaves other tools' and unparseable snapshots alone.
 */
@Timeout(180)
class SnapJobDaemonIT {

  private static final String PREFIX = "zfleet_e2e_";
  private static final SnapshotNaming NAMING = new SnapshotNaming(PREFIX);
  private static final String FOREIGN = "backup-tool_daily";
  private static final String UNPARSEABLE = PREFIX + "not-a-time";
  private static final int NEW_SNAPSHOTS = 5;
  private static final ObjectMapper JSON = Json.mapper();

  private static ZfsCli zfs;
  private final RealZfsFixture fixture = new RealZfsFixture();
  @TempDir Path dir;
  private Daemon daemon;

  /** Every snapshot seen on each filesystem while the test ran: name to creation. */
  private final Map<DatasetName, Map<String, Instant>> seen = new TreeMap<>();

  @BeforeAll
  static void realZfs() {
    RealZfsFixture.requirePools();
    zfs = ZfsCli.create(ZfsCliConfig.defaults());
  }

  @AfterAll
  static void closeZfs() {
    if (zfs != null) {
      zfs.close();
    }
  }

  @AfterEach
  void cleanUp() {
    if (daemon != null) {
      daemon.close();
    }
    fixture.destroyAll();
  }

  @Test
  void daemonDestroysWhatTestPruneSaidAndKeepsExactlyWhatTheRulesKeep() throws Exception {
    DatasetName root = fixture.scratch(RealZfsFixture.POOL_1, "SnapJobDaemonIT");
    DatasetName a = child(root, "a");
    DatasetName nested = child(a, "nested");
    DatasetName spaced = child(root, "b with space");
    List<DatasetName> filesystems = List.of(root, a, nested, spaced);
    // Old snapshots of the job: 2019 ones no rule keeps, 2020 ones a regex rule keeps for good.
    for (DatasetName fs : filesystems) {
      for (String day : List.of("2019-01-01", "2019-01-02", "2020-01-01")) {
        zfs.snapshot(List.of(fs), NAMING.name(Instant.parse(day + "T00:00:00Z")));
      }
    }
    zfs.snapshot(List.of(a), FOREIGN);
    zfs.snapshot(List.of(root), FOREIGN);
    zfs.snapshot(List.of(spaced), UNPARSEABLE);
    // Nothing may count as taken in the dry run's own cycle: let ZFS's creation second pass.
    sleepUntil(Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1).plusMillis(100));

    Path config =
        Files.writeString(
            dir.resolve("zfleet.conf"),
            """
        zfleet {
          node {
            name = "e2e"
            data-dir = "%s"
            cluster { bind = "127.0.0.1:%d" }
            control { port = %d }
          }
          jobs = [ {
            name = "snap", type = snap
            filesystems { "%s<" = true }
            snapshotting { type = periodic, prefix = "%s", interval = 2s }
            pruning {
              keep = [
                { type = last-n, count = 3, regex = "^%s(?!2019|2020)" }
                { type = regex, regex = "^%s2020" }
              ]
            }
          } ]
        }
        """
                .formatted(
                    dir,
                    DaemonShutdownIT.clusterPort(),
                    DaemonShutdownIT.freePort(),
                    root.value(),
                    PREFIX,
                    PREFIX,
                    PREFIX));
    LoadResult loaded = ConfigLoader.load(config);
    assertThat(loaded.errors()).isEmpty();
    SnapJob job = (SnapJob) loaded.config().orElseThrow().job("snap").orElseThrow();
    PrunePolicy policy = PrunePolicies.of(job.snapshotting().prefix(), job.pruning());

    // 1. The dry run, from real ZFS, before the daemon runs.
    Map<DatasetName, Map<String, String>> dryRun = testPrune(config);
    assertThat(dryRun.keySet()).containsExactlyInAnyOrderElementsOf(filesystems);
    Map<DatasetName, Set<String>> toDestroy = new TreeMap<>();
    Map<DatasetName, Set<String>> toKeep = new TreeMap<>();
    dryRun.forEach(
        (fs, verdicts) ->
            verdicts.forEach(
                (snapshot, action) ->
                    (action.equals("destroy") ? toDestroy : toKeep)
                        .computeIfAbsent(fs, k -> new TreeSet<>())
                        .add(snapshot)));
    assertThat(toDestroy.values().stream().mapToInt(Set::size).sum())
        .as("the dry run destroys something")
        .isPositive();
    assertThat(toKeep.get(a)).contains(FOREIGN);
    assertThat(toKeep.get(spaced)).contains(UNPARSEABLE);
    observe(root);

    // 2. The daemon, over several cycles, one of them started by a wakeup.
    daemon = Daemon.start(loaded.config().orElseThrow(), loaded.hocon().orElseThrow());
    awaitNewSnapshots(root, 2);
    awaitSettled();
    sleepUntil(
        newestOwn(root).plusSeconds(1)); // a wakeup in the same second would take nothing new
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertThat(
            ZfleetCommand.execute(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                "signal",
                "wakeup",
                "--config",
                config.toString(),
                "snap"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("woke up job snap");
    awaitNewSnapshots(root, NEW_SNAPSHOTS);

    Map<DatasetName, Map<String, Instant>> last = settledListing(root);

    // 3. What the daemon kept is what the rules keep over every snapshot there has been.
    for (DatasetName fs : filesystems) {
      List<FilesystemVersion> everything =
          seen.get(fs).entrySet().stream()
              .map(e -> FilesystemVersion.snapshot(e.getKey(), 0, 0, e.getValue()))
              .toList();
      PruneOutcome.Evaluated rules =
          (PruneOutcome.Evaluated)
              Pruner.evaluate(numbered(everything), policy, PruneContext.offline());
      Set<String> expected =
          new TreeSet<>(rules.kept().stream().map(FilesystemVersion::name).toList());
      assertThat(last.get(fs).keySet())
          .as("snapshots of %s", fs)
          .containsExactlyInAnyOrderElementsOf(expected);
      assertThat(last.get(fs).keySet().stream().filter(SnapJobDaemonIT::takenByDaemon).count())
          .as("snapshots the daemon took still kept on %s", fs)
          .isEqualTo(3);
      // The dry run agreed beforehand with what the daemon then did.
      assertThat(last.get(fs).keySet())
          .as("destroyed as the dry run said, on %s", fs)
          .doesNotContainAnyElementsOf(toDestroy.getOrDefault(fs, Set.of()));
      assertThat(last.get(fs).keySet())
          .as("kept as the dry run said, on %s", fs)
          .containsAll(toKeep.getOrDefault(fs, Set.of()));
    }
    assertThat(last.get(a)).containsKey(FOREIGN);
    assertThat(last.get(root)).containsKey(FOREIGN);
    assertThat(last.get(spaced)).containsKey(UNPARSEABLE);
    assertThat(newSnapshotsSeen(root))
        .as("snapshots the daemon took")
        .isGreaterThanOrEqualTo(NEW_SNAPSHOTS);

    // 4. zfleet status shows the job and each filesystem, all pruned fine.
    out.getBuffer().setLength(0);
    int status =
        ZfleetCommand.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "status",
            "--config",
            config.toString());
    assertThat(out.toString()).contains("job snap: ");
    for (DatasetName fs : filesystems) {
      assertThat(out.toString()).contains("  " + fs.value() + "\n");
    }
    assertThat(out.toString()).contains("prune-sender: local " + spaced.value() + ": destroyed");
    assertThat(status).as(out.toString()).isZero();
  }

  // ---- the dry run

  /** {@code zfleet test prune --json}: filesystem to snapshot to action. */
  private static Map<DatasetName, Map<String, String>> testPrune(Path config) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        ZfleetCommand.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "test",
            "prune",
            "--config",
            config.toString(),
            "--job",
            "snap",
            "--json");
    assertThat(exit).as(err.toString()).isZero();
    Map<DatasetName, Map<String, String>> verdicts = new TreeMap<>();
    for (String line : out.toString().lines().toList()) {
      JsonNode node = JSON.readTree(line);
      assertThat(node.path("reason").asText()).as(line).isNotBlank();
      verdicts
          .computeIfAbsent(DatasetName.of(node.path("filesystem").asText()), k -> new TreeMap<>())
          .put(node.path("snapshot").asText(), node.path("action").asText());
    }
    return verdicts;
  }

  // ---- the daemon and what ZFS holds

  private static DatasetName child(DatasetName parent, String name) {
    DatasetName child = DatasetName.of(parent.value() + "/" + name);
    zfs.createFilesystem(child, Map.of(), false);
    return child;
  }

  /** Lists the subtree, remembers every snapshot seen, and returns the listing. */
  private Map<DatasetName, Map<String, Instant>> observe(DatasetName root) {
    Map<DatasetName, Map<String, Instant>> now = new TreeMap<>();
    for (DatasetListing d : zfs.list(List.of(root), Set.of())) {
      Map<String, Instant> snapshots = new TreeMap<>();
      d.versions().stream()
          .filter(FilesystemVersion::isSnapshot)
          .forEach(v -> snapshots.put(v.name(), v.creation()));
      now.put(d.name(), snapshots);
      seen.computeIfAbsent(d.name(), k -> new TreeMap<>()).putAll(snapshots);
    }
    return now;
  }

  private long newSnapshotsSeen(DatasetName root) {
    return seen.getOrDefault(root, Map.of()).keySet().stream()
        .filter(SnapJobDaemonIT::takenByDaemon)
        .count();
  }

  /** A name of the job from now, not one of the old ones the test made. */
  private static boolean takenByDaemon(String name) {
    return NAMING.parse(name) instanceof SnapshotNaming.Parsed.Timestamped t
        && t.timestamp().isAfter(Instant.parse("2021-01-01T00:00:00Z"));
  }

  private Instant newestOwn(DatasetName root) {
    return seen.get(root).keySet().stream()
        .map(NAMING::parse)
        .filter(p -> p instanceof SnapshotNaming.Parsed.Timestamped)
        .map(p -> ((SnapshotNaming.Parsed.Timestamped) p).timestamp())
        .max(Instant::compareTo)
        .orElseThrow();
  }

  private void awaitNewSnapshots(DatasetName root, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      observe(root);
      if (newSnapshotsSeen(root) >= n) {
        return;
      }
      assertThat(System.nanoTime())
          .as("%d snapshots taken within 60 s; status: %s", n, status())
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /**
   * A listing taken while the job was idle with every filesystem's cycle done, checked by asking
   * the status before and after: the same cycle both times means no snapshot came in between.
   */
  private Map<DatasetName, Map<String, Instant>> settledListing(DatasetName root) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      JobStatus before = awaitSettled();
      Map<DatasetName, Map<String, Instant>> listing = observe(root);
      JobStatus after = status();
      if (after.phase().equals("idle") && after.cycle() == before.cycle()) {
        return listing;
      }
      assertThat(System.nanoTime())
          .as("a quiet moment between cycles within 60 s")
          .isLessThan(deadline);
    }
  }

  private JobStatus awaitSettled() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      JobStatus s = status();
      if (s.phase().equals("idle")
          && s.cycle() > 0
          && !s.filesystems().isEmpty()
          && s.filesystems().stream().allMatch(f -> settled(f, s.cycle()))) {
        return s;
      }
      assertThat(System.nanoTime()).as("the job settles within 60 s: %s", s).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static boolean settled(FilesystemStatus f, long cycle) {
    return f.cycle() == cycle && f.running().isEmpty() && !f.lastOutcomes().isEmpty();
  }

  private JobStatus status() {
    try {
      NodeGuardian.NodeStatus node =
          AskPattern.ask(
                  daemon.system(),
                  NodeGuardian.GetStatus::new,
                  Duration.ofSeconds(5),
                  daemon.system().scheduler())
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      return node.jobs().stream().filter(j -> j.job().equals("snap")).findFirst().orElseThrow();
    } catch (Exception e) {
      throw new AssertionError("no status from the daemon", e);
    }
  }

  /**
   * GUIDs and createtxgs 1, 2, ... in order of creation, then name (the pruner orders by those).
   */
  private static List<FilesystemVersion> numbered(List<FilesystemVersion> versions) {
    List<FilesystemVersion> sorted = new ArrayList<>(versions);
    sorted.sort(Pruner.OLDEST_FIRST);
    List<FilesystemVersion> out = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      FilesystemVersion v = sorted.get(i);
      out.add(FilesystemVersion.snapshot(v.name(), i + 1, i + 1, v.creation()));
    }
    return out;
  }

  private static void sleepUntil(Instant when) throws InterruptedException {
    long millis = Duration.between(Instant.now(), when).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }
}
