package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.PushJob;
import org.zfleet.cycle.PrunePolicies;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.node.cli.ZfleetCommand;
import org.zfleet.plan.ReceiverState;
import org.zfleet.prune.Protection;
import org.zfleet.prune.PruneContext;
import org.zfleet.prune.PruneOutcome;
import org.zfleet.prune.Pruner;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.zfs.RealZfs;
import org.zfleet.zfs.RealZfsFixture;

/**
 * A push job and its sink in one daemon on a real ZFS (its first test pool to its second), the same
 * scenario on each: nested filesystems under an unselected parent (a placeholder on the receiver)
 * and a name with a space, full then incremental with file contents compared byte for byte through
 * the mountpoints, receiver pruning by a grid, a foreign dataset where a replica would go, and
 * {@code zfleet test plan --json} before and after. Subclasses name the ZFS.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
abstract class LocalReplicationScenario {

  private static final String JOB = "push_it";
  private static final String SINK = "sink_it";
  private static final ReplicationMarks MARKS = ReplicationMarks.of(JOB, SINK);

  /** The ZFS the daemon and the checks use; fails the test, saying what to run, if absent. */
  abstract RealZfs connect();

  /** How long one replication cycle may take on this ZFS. */
  abstract Duration cycle();

  private static final ObjectMapper JSON = new ObjectMapper();

  private RealZfs real;
  private RealZfsFixture fixture;
  private DatasetName src;
  private DatasetName sinkRoot;
  private RealDaemon daemon;

  /** Each sender snapshot as it was seen, before pruning removed any. */
  private final Map<String, FilesystemVersion> seen = new java.util.HashMap<>();

  @TempDir Path dir;

  @BeforeEach
  void realZfs() {
    real = connect();
    real.requirePools();
    fixture = new RealZfsFixture(real);
  }

  @AfterEach
  void cleanUp() {
    try {
      if (daemon != null) {
        daemon.close();
      }
    } finally {
      if (real != null) {
        RealDaemon.releaseHolds(real, src, MARKS);
        fixture.destroyAll();
      }
    }
  }

  private static String jobs(
      DatasetName child, DatasetName spaced, DatasetName later, DatasetName sinkRoot) {
    return String.join(
        "\n",
        "    { name = \"" + JOB + "\", type = push, sink = \"" + SINK + "\"",
        "      filesystems { \""
            + child
            + "\" = true, \""
            + spaced
            + "\" = true, \""
            + later
            + "\" = true }",
        "      snapshotting { type = manual, prefix = \"zf_\" }",
        "      pruning {",
        "        keep-sender = [ { type = not-replicated }, { type = last-n, count = 2 } ]",
        "        keep-receiver = [ { type = grid, grid = \"1x1s(keep=all) | 1x1h\", regex = \"^zf_\" } ]",
        "      }",
        "      replication { stall-timeout = 1m, retry-backoff { min = 1s, max = 5s } }",
        "    }",
        "    { name = \""
            + SINK
            + "\", type = sink, root-fs = \""
            + sinkRoot
            + "\", clients = [ \""
            + RealDaemon.NODE
            + "\" ] }");
  }

  private DatasetName replica(DatasetName senderFs) {
    return sinkRoot.child(RealDaemon.NODE).child(senderFs.value());
  }

  @Test
  void nestedFilesystemsReplicateFullThenIncrementallyArePrunedByGridAndAForeignDatasetIsLeftAlone()
      throws Exception {
    src = fixture.scratch(real.pool1(), getClass().getSimpleName());
    sinkRoot = fixture.scratch(real.pool2(), getClass().getSimpleName() + "-sink");
    DatasetName parent = src.child("parent");
    DatasetName child = parent.child("child");
    DatasetName spaced = parent.child("my data");
    DatasetName later = parent.child("later");
    real.zfs("create", parent.value());
    real.zfs("create", child.value());
    real.zfs("create", spaced.value());
    real.writeRandom(child, "a.bin", 2 << 20, 1);
    real.writeRandom(child, "dir/b.bin", 100_000, 2);
    real.writeRandom(spaced, "c d.bin", 1 << 20, 3);
    String s1 = RealDaemon.snapshot(real, "zf_", Instant.now(), child, spaced);
    daemon = new RealDaemon(dir, jobs(child, spaced, later, sinkRoot), real);

    // Before the first run the plan is a full send of each filesystem.
    Plans before = testPlan();
    assertThat(before.exitCode).isZero();
    for (DatasetName fs : List.of(child, spaced)) {
      JsonNode plan = before.of(fs);
      assertThat(plan.path("result").asText()).isEqualTo("steps");
      assertThat(plan.path("steps")).hasSize(1);
      assertThat(plan.path("steps").get(0).path("flag").asText()).isEqualTo("full");
      assertThat(plan.path("steps").get(0).path("from").isNull()).isTrue();
      assertThat(plan.path("steps").get(0).path("to").asText()).isEqualTo("@" + s1);
    }

    // Full: the first cycle replicates what is there.
    daemon.start();
    awaitReplicated(s1, child, spaced);
    see(s1, child, spaced);
    for (DatasetName fs : List.of(child, spaced)) {
      assertThat(real.snapshots(replica(fs))).containsExactly(s1);
      assertThat(real.guid(replica(fs), s1)).isEqualTo(real.guid(fs, s1));
      assertThat(real.replicaContents(replica(fs))).isEqualTo(real.contents(fs)).isNotEmpty();
      assertThat(real.localProperty(replica(fs), ReceiverState.ROLE_PROPERTY))
          .isEqualTo(ReceiverState.ROLE_REPLICA);
      assertThat(real.localProperty(fs, MARKS.cursorProperty())).isEqualTo(real.guid(fs, s1));
      assertCursorAt(fs, s1);
    }
    assertThat(real.contents(replica(spaced))).containsKey("c d.bin");
    assertThat(real.localProperty(replica(parent), ReceiverState.ROLE_PROPERTY))
        .isEqualTo(ReceiverState.ROLE_PLACEHOLDER);
    assertThat(testPlan().results(child, spaced)).containsOnly("up-to-date");

    // Incremental, after more data.
    real.writeRandom(child, "a.bin", 2 << 20, 4);
    real.writeRandom(spaced, "e.bin", 300_000, 5);
    String s1Guid = real.guid(replica(child), s1);
    String s2 = wakeup(s1, child, spaced);
    see(s2, child, spaced);
    for (DatasetName fs : List.of(child, spaced)) {
      assertThat(real.snapshots(replica(fs))).containsExactly(s1, s2);
      assertThat(real.guid(replica(fs), s2)).isEqualTo(real.guid(fs, s2));
      assertThat(real.replicaContents(replica(fs))).isEqualTo(real.contents(fs));
      assertCursorAt(fs, s2);
    }
    assertThat(real.guid(replica(child), s1))
        .as("incremental: the first snapshot stayed")
        .isEqualTo(s1Guid);
    assertThat(daemon.outcome(JOB, child, "REPLICATE").orElseThrow().path("summary").asText())
        .contains("now at @" + s2);

    // Someone else's dataset where a newly selected filesystem would be received, below a
    // placeholder.
    real.zfs("create", later.value());
    real.writeRandom(later, "ours.bin", 50_000, 6);
    real.zfs("snapshot", later.snapshot("manual1").full());
    DatasetName foreign = replica(later);
    real.zfs("create", foreign.value());
    real.writeRandom(foreign, "theirs.bin", 40_000, 7);
    Map<String, String> theirs = real.contents(foreign);

    // Two more snapshots. A cycle whose replication moved snapshots asks for a fresh listing, whose
    // receiver pruning judges [s1, s2, s3]: the grid keeps the youngest and the oldest of the hour.
    String s3 = wakeup(s2, child, spaced);
    see(s3, child, spaced);
    for (DatasetName fs : List.of(child, spaced)) {
      List<String> kept = keptByReceiverRules(fs, List.of(s1, s2, s3));
      assertThat(kept).as("the grid destroys something").containsExactly(s1, s3);
      RealDaemon.await(
          "receiver pruning of " + fs + " after " + s3,
          cycle(),
          () -> real.snapshots(replica(fs)).equals(kept));
    }
    String s4 = wakeup(s3, child, spaced);
    see(s4, child, spaced);
    for (DatasetName fs : List.of(child, spaced)) {
      List<String> expected = new ArrayList<>(keptByReceiverRules(fs, List.of(s1, s2, s3)));
      assertThat(expected).as("the grid destroys something").containsExactly(s1, s3);
      expected.add(s4);
      // A fresh listing (asked for after a replication) may prune once more, over [s1, s3, s4]:
      // the same rules, one cycle later.
      List<String> prunedAgain = keptByReceiverRules(fs, expected);
      assertThat(real.snapshots(replica(fs))).isIn(expected, prunedAgain);
      assertThat(real.replicaContents(replica(fs))).isEqualTo(real.contents(fs));
      assertThat(real.snapshots(fs))
          .as("sender: not-replicated and last-n 2")
          .containsExactly(s3, s4);
    }
    JsonNode conflict = daemon.outcome(JOB, later, "REPLICATE").orElseThrow();
    assertThat(conflict.path("ok").asBoolean()).isFalse();
    assertThat(conflict.path("summary").asText()).contains("zfleet did not create");
    assertThat(real.snapshots(foreign)).isEmpty();
    assertThat(real.contents(foreign)).isEqualTo(theirs);
    assertThat(real.localProperty(foreign, ReceiverState.ROLE_PROPERTY)).isEmpty();

    Plans after = testPlan();
    assertThat(after.exitCode)
        .as("a conflict fails the command")
        .isEqualTo(ZfleetCommand.EXIT_FAILED);
    assertThat(after.results(child, spaced)).containsOnly("up-to-date");
    assertThat(after.of(later).path("result").asText()).isEqualTo("conflict");
    assertThat(after.of(later).path("reason").asText()).contains("zfleet did not create");
  }

  /**
   * After the previous snapshot's second, the operator's snapshot (the job's snapshotting is
   * manual) and a wakeup; waits until both are replicated.
   */
  private String wakeup(String previous, DatasetName... filesystems) throws InterruptedException {
    // Snapshot names and the grid's first bucket go by the second: stay clear of the previous one.
    Thread.sleep(2100);
    String taken = RealDaemon.snapshot(real, "zf_", Instant.now(), filesystems);
    assertThat(taken).isNotEqualTo(previous);
    daemon.wakeup(JOB);
    awaitReplicated(taken, filesystems);
    return taken;
  }

  /**
   * Until the snapshot is on the receiver and the filesystem's cycle (replicate, prune) has ended.
   */
  private void awaitReplicated(String snapshot, DatasetName... filesystems) {
    for (DatasetName fs : filesystems) {
      RealDaemon.await(
          fs + "@" + snapshot + " replicated and pruned",
          cycle(),
          () ->
              real.snapshots(replica(fs)).contains(snapshot)
                  && daemon
                      .filesystem(JOB, fs)
                      .map(f -> f.path("running").isNull() || f.path("running").isMissingNode())
                      .orElse(false)
                  && daemon
                      .outcome(JOB, fs, "REPLICATE")
                      .map(o -> o.path("summary").asText().contains("@" + snapshot))
                      .orElse(false));
    }
  }

  /**
   * What the job's receiver rules keep of {@code names} (the newest is the base), evaluated here.
   */
  private List<String> keptByReceiverRules(DatasetName fs, List<String> names) {
    PushJob job =
        (PushJob)
            ConfigLoader.load(daemon.configFile, RealDaemon.NODE)
                .config()
                .orElseThrow()
                .job(JOB)
                .orElseThrow();
    List<FilesystemVersion> versions =
        names.stream().map(name -> seen.get(fs.snapshot(name).full())).toList();
    FilesystemVersion newest = versions.get(versions.size() - 1);
    PruneContext context =
        PruneContext.cycle(newest.creation())
            .withProtection(Protection.ofGuid(newest.guid(), "incremental base"));
    PruneOutcome outcome =
        Pruner.evaluate(
            versions,
            PrunePolicies.of(job.snapshotting().prefix(), job.receiverPruning()),
            context);
    return ((PruneOutcome.Evaluated) outcome).kept().stream().map(FilesystemVersion::name).toList();
  }

  private void see(String snapshot, DatasetName... filesystems) {
    for (DatasetName fs : filesystems) {
      seen.put(
          fs.snapshot(snapshot).full(),
          FilesystemVersion.snapshot(
              snapshot,
              Long.parseUnsignedLong(real.guid(fs, snapshot)),
              seen.size() + 1,
              Instant.ofEpochSecond(real.creation(fs, snapshot))));
    }
  }

  /**
   * The cursor's mark: where the ZFS has bookmarks, the destination's only cursor bookmark, and no
   * hold left after the step; on zfs-fuse, the held cursor snapshot.
   */
  private void assertCursorAt(DatasetName fs, String snapshot) {
    if (real.hasBookmarks()) {
      assertThat(real.bookmarks(fs))
          .containsExactly(MARKS.cursorBookmark(Long.parseUnsignedLong(real.guid(fs, snapshot))));
      assertThat(userrefs(fs, snapshot)).isZero();
    } else {
      assertThat(real.bookmarks(fs)).isEmpty();
      assertThat(userrefs(fs, snapshot)).isEqualTo(1);
    }
  }

  private int userrefs(DatasetName fs, String snapshot) {
    return Integer.parseInt(
        real.zfs("get", "-H", "-p", "-o", "value", "userrefs", fs.snapshot(snapshot).full())
            .strip());
  }

  /** {@code zfleet test plan --json}: its exit code and one plan per filesystem. */
  private record Plans(int exitCode, List<JsonNode> lines) {
    JsonNode of(DatasetName fs) {
      return lines.stream()
          .filter(l -> l.path("filesystem").asText().equals(fs.value()))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no plan for " + fs + " in " + lines));
    }

    List<String> results(DatasetName... filesystems) {
      return java.util.Arrays.stream(filesystems)
          .map(fs -> of(fs).path("result").asText())
          .toList();
    }
  }

  private Plans testPlan() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        ZfleetCommand.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "test",
            "plan",
            "--config",
            daemon.configFile.toString(),
            "--job",
            JOB,
            "--json");
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().lines().filter(l -> !l.isBlank()).toList()) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines).as("test plan output; stderr: %s", err).isNotEmpty();
    return new Plans(code, lines);
  }
}
