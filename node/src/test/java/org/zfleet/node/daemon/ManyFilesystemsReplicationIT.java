package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.daemon.RealDaemon.zfs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.zfs.RealZfsFixture;

/**
 * A push job of a few hundred nested filesystems on real zfs-fuse, as a fleet's backup node sees
 * them (a root, parents, empty children, nothing mounted): every one reaches the sink in the first
 * cycle and again in an incremental one, whatever order parents and children finish in, and the
 * incremental cycle lists each side once and runs at most three zfs processes per filesystem
 * (snapshots, holds and releases go in a few commands for all of them). The zfs processes are
 * counted through a wrapper set as the node's zfs path. The job snapshots on a schedule (hourly),
 * so that a wakeup takes its snapshot (with manual snapshotting a wakeup only replicates and
 * prunes).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ManyFilesystemsReplicationIT {

  private static final String JOB = "many";
  private static final String SINK = "many_sink";
  private static final String PREFIX = "many_";
  private static final ReplicationMarks MARKS = ReplicationMarks.of(JOB, SINK);
  private static final int PARENTS = 5;
  private static final int CHILDREN = 49;
  private static final Duration WAIT = Duration.ofMinutes(3);

  private final RealZfsFixture fixture = new RealZfsFixture();
  private RealDaemon daemon;
  private DatasetName tree;
  private DatasetName sinkRoot;

  @TempDir Path dir;

  @BeforeAll
  static void pools() {
    RealZfsFixture.requirePools();
  }

  @AfterEach
  void cleanUp() {
    try {
      if (daemon != null) {
        daemon.close();
      }
    } finally {
      if (tree != null && RealDaemon.exists(tree)) {
        // One recursive release per snapshot name, not one per snapshot.
        for (String snapshot : RealDaemon.snapshots(tree)) {
          try {
            zfs("release", "-r", MARKS.cursorHoldTag(), tree.snapshot(snapshot).full());
          } catch (AssertionError notEverywhere) {
            // released where it was held
          }
        }
      }
      fixture.destroyAll();
    }
  }

  @Test
  void everyFilesystemReachesTheSinkEachCycleAndACycleCostsAtMostThreeZfsProcessesEach()
      throws Exception {
    tree = fixture.scratch(RealZfsFixture.POOL_1, "many");
    zfs("set", "mountpoint=none", tree.value());
    List<DatasetName> filesystems = createTree();
    sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "manysink");
    zfs("set", "mountpoint=none", sinkRoot.value());
    Path count = dir.resolve("zfs.count");
    Files.createFile(count);
    daemon = new RealDaemon(dir, jobs(), "zfs { zfs-path = \"" + wrapper(count) + "\" }").start();

    daemon.wakeup(JOB);
    String first = awaitEveryReplica(filesystems, "");
    awaitIdle();
    assertNothingFailed(filesystems);

    long before = Files.readAllLines(count).size();
    daemon.wakeup(JOB);
    String second = awaitEveryReplica(filesystems, first);
    awaitIdle();
    assertNothingFailed(filesystems);
    List<String> cycle = Files.readAllLines(count).stream().skip(before).toList();

    long listings = cycle.stream().filter(l -> l.startsWith("get ") && l.contains(" -r ")).count();
    assertThat(listings).as("tree listings of the incremental cycle (sender, sink)").isEqualTo(2);
    // Per filesystem: send, receive and the cursor's zfs set. The receive guard judges each
    // increment against the sink's own listing of this cycle (the replica inert, its versions):
    // no target is asked again just before its stream goes in.
    assertThat(cycle.size())
        .as("zfs processes of the incremental cycle: %s", verbs(cycle))
        .isLessThanOrEqualTo(3 * filesystems.size() + 10);
    long targetQueries =
        cycle.stream().filter(l -> l.startsWith("get ") && !l.contains(" -r ")).count();
    assertThat(targetQueries).as("targets asked again: %s", verbs(cycle)).isZero();
  }

  /** The root, PARENTS parents and CHILDREN children under each; nothing mounts. */
  private List<DatasetName> createTree() {
    List<DatasetName> all = new ArrayList<>(List.of(tree));
    for (int p = 0; p < PARENTS; p++) {
      DatasetName parent = tree.child("p" + p);
      zfs("create", parent.value());
      all.add(parent);
      for (int c = 0; c < CHILDREN; c++) {
        DatasetName child = parent.child("c" + c);
        zfs("create", child.value());
        all.add(child);
      }
    }
    return all;
  }

  /** Waits until the job's newest snapshot, taken after {@code previous}, is on every replica. */
  private String awaitEveryReplica(List<DatasetName> filesystems, String previous) {
    String[] newest = new String[1];
    RealDaemon.await(
        "every filesystem replicated",
        WAIT,
        () -> {
          List<String> taken = RealDaemon.snapshots(tree);
          if (taken.isEmpty()) {
            return false;
          }
          newest[0] = taken.get(taken.size() - 1);
          return !newest[0].equals(previous) && replicated(newest[0]).size() == filesystems.size();
        });
    return newest[0];
  }

  /** The replicas holding {@code snapshot}, in one listing of the sink. */
  private Set<String> replicated(String snapshot) {
    Set<String> found = new HashSet<>();
    for (String line :
        zfs("list", "-H", "-r", "-t", "snapshot", "-o", "name", sinkRoot.value())
            .lines()
            .toList()) {
      if (line.endsWith("@" + snapshot)) {
        found.add(line.substring(0, line.indexOf('@')));
      }
    }
    return found;
  }

  /** Waits until the job and every filesystem of it rest: the cycle's pruning is over. */
  private void awaitIdle() {
    RealDaemon.await(
        "the job at rest",
        WAIT,
        () -> {
          for (JsonNode job : daemon.status().path("jobs")) {
            if (job.path("job").asText().equals(JOB)) {
              if (!job.path("phase").asText().equals("idle")) {
                return false;
              }
              for (JsonNode fs : job.path("filesystems")) {
                JsonNode running = fs.path("running");
                if (!(running.isNull() || running.isMissingNode())) {
                  return false;
                }
              }
              return true;
            }
          }
          return false;
        });
  }

  private void assertNothingFailed(List<DatasetName> filesystems) {
    for (DatasetName fs : filesystems) {
      JsonNode status = daemon.filesystem(JOB, fs).orElseThrow();
      for (JsonNode outcome : status.path("lastOutcomes")) {
        assertThat(outcome.path("ok").asBoolean())
            .as("%s of %s: %s", outcome.path("kind"), fs, outcome.path("summary"))
            .isTrue();
      }
    }
  }

  private static String verbs(List<String> lines) {
    java.util.Map<String, Integer> n = new java.util.TreeMap<>();
    lines.forEach(l -> n.merge(l.split(" ", 2)[0], 1, Integer::sum));
    return n.toString();
  }

  /** A zfs that writes one line per process (its arguments) to {@code count}, then runs zfs. */
  private Path wrapper(Path count) throws IOException {
    Path script = dir.resolve("zfs");
    Files.writeString(
        script, "#!/bin/sh\nprintf '%.120s\\n' \"$*\" >>'" + count + "'\nexec zfs \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private String jobs() {
    return String.join(
        "\n",
        "    { name = \"" + JOB + "\", type = push, sink = \"" + SINK + "\"",
        "      filesystems { \"" + tree + "<\" = true }",
        "      snapshotting { type = periodic, prefix = \"" + PREFIX + "\", interval = 1h }",
        "      pruning {",
        "        keep-sender = [ { type = not-replicated }, { type = last-n, count = 3 } ]",
        "        keep-receiver = [ { type = last-n, count = 3 } ]",
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
}
