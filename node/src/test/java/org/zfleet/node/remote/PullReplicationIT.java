package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.remote.PoolCommands.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.zfs.RealZfsFixture;

/**
 * Pull jobs fetching from a source job on another node of a real cluster: each node a {@code zfleet
 * daemon} JVM on 127.0.0.1 over mutual TLS, the source on pool zfleet_t1, the pulls' replicas on
 * zfleet_t2 (zfs-fuse). Node homes and logs are kept under {@code
 * target/remote-it/<test>-<id>/<node>/}.
 */
@Timeout(150)
class PullReplicationIT {

  private static final String SOURCE = "source";
  private static final String PULL = "pull";
  private static final Duration REPLICATED = Duration.ofSeconds(60);

  @TempDir static Path certs;
  private ClusterNodes cluster;
  private final RealZfsFixture fixture = new RealZfsFixture();
  private DatasetName source;
  private final List<DatasetName> filesystems = new ArrayList<>();

  @BeforeAll
  static void certificatesAndPools() {
    RealZfsFixture.requirePools();
    ClusterNodes.createCertificates(certs);
  }

  @BeforeEach
  void nodeHomes(TestInfo test) throws IOException {
    cluster = new ClusterNodes(certs, test, REPLICATED);
  }

  @AfterEach
  void stopNodesAndCleanUp() {
    cluster.killAll();
    if (source != null) {
      releaseHolds(source, PULL, List.of("beta", "gamma"));
    }
    fixture.destroyAll();
  }

  @Test
  void pullFetchesFullThenIncrementalAndASecondPullKeepsItsOwnCursor() throws Exception {
    sourceTree(64 * 1024);
    DatasetName betaRoot = fixture.scratch(RealZfsFixture.POOL_2, "PullIT-beta");
    DatasetName gammaRoot = fixture.scratch(RealZfsFixture.POOL_2, "PullIT-gamma");
    List<Integer> ports = DaemonNode.clusterPorts(3);
    DaemonNode alpha = node("alpha", ports.get(0), ports.get(0), sourceJob("beta", "gamma"));
    // beta pulls every 3 s, gamma only when woken.
    // beta's zfs processes are recorded, one line each.
    Path betaZfs = certs.resolve("beta-zfs.log");
    DaemonNode beta =
        cluster.start(
            "beta",
            ports.get(1),
            ports.get(0),
            pullJob(betaRoot, "3s"),
            "zfleet.node.zfs { zfs-path = \"%s\" }".formatted(countingZfs(betaZfs)));

    String s1 = snapshotOnSource(alpha, null);
    awaitPulled(beta, betaRoot, s1);
    assertSameFiles(betaRoot, s1);
    // The source's first periodic snapshot and the wakeup's may both have been pulled: the replicas
    // have whatever the source had up to s1.
    List<List<String>> afterFirst =
        filesystems.stream().map(fs -> snapshots(replica(betaRoot, fs))).toList();

    write(filesystems.get(2), "doc.bin", 32 * 1024, 7);
    write(filesystems.get(0), "second.bin", 1024, 8);
    int before = Files.readAllLines(betaZfs).size();
    String s2 = snapshotOnSource(alpha, s1);
    awaitPulled(beta, betaRoot, s2);
    List<String> incremental = Files.readAllLines(betaZfs);
    incremental = incremental.subList(before, incremental.size());
    assertThat(incremental)
        .as("beta's zfs processes for the increments")
        .anyMatch(c -> c.startsWith("receive"));
    // Each replica was in beta's own listing, inert: its increment asks zfs nothing before it.
    assertThat(incremental)
        .as("beta's zfs processes for the increments")
        .noneMatch(c -> c.contains("-d 1 -o name,property,value,source"));
    assertSameFiles(betaRoot, s2);
    for (int i = 0; i < filesystems.size(); i++) {
      DatasetName fs = filesystems.get(i);
      assertThat(afterFirst.get(i))
          .as("snapshots of the replica of %s after the first pull", fs)
          .endsWith(s1);
      // s1 and what came before are still there: s2 came as an increment on top of it.
      List<String> expected = new ArrayList<>(afterFirst.get(i));
      expected.add(s2);
      assertThat(snapshots(replica(betaRoot, fs)))
          .as("snapshots of the replica of %s", fs)
          .containsExactlyElementsOf(expected);
      assertThat(userProperty(fs, "zfleet:cursor.pull.beta")).isEqualTo(guid(fs, s2));
    }

    // A pull job of the same name on another node: its own cursor, beta's stays where it was.
    DaemonNode gamma = node("gamma", ports.get(2), ports.get(0), pullJob(gammaRoot, "manual"));
    wakeUntilListed(gamma);
    awaitPulled(gamma, gammaRoot, s2);
    assertSameFiles(gammaRoot, s2);
    write(filesystems.get(1), "third.bin", 8 * 1024, 9);
    String s3 = snapshotOnSource(alpha, s2);
    awaitPulled(beta, betaRoot, s3);
    assertSameFiles(betaRoot, s3);
    for (DatasetName fs : filesystems) {
      assertThat(userProperty(fs, "zfleet:cursor.pull.beta"))
          .as("beta's cursor on %s", fs)
          .isEqualTo(guid(fs, s3));
      assertThat(userProperty(fs, "zfleet:cursor.pull.gamma"))
          .as("gamma's cursor on %s", fs)
          .isEqualTo(guid(fs, s2));
      assertThat(snapshots(replica(gammaRoot, fs)))
          .as("gamma pulled only what it was woken for")
          .containsExactly(s2);
    }
    assertThat(alpha.logLines()).noneMatch(line -> line.contains("refused source="));
    assertThat(beta.logLines()).noneMatch(line -> line.contains("refused stream"));
  }

  // ---- nodes and jobs

  /** A zfs that writes its arguments to {@code log}, one line per process, then runs zfs. */
  private static Path countingZfs(Path log) throws IOException {
    Path script = certs.resolve("counting-zfs");
    Files.writeString(
        script, "#!/bin/sh\nprintf '%s\\n' \"$*\" >>'" + log + "'\nexec zfs \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(log, "");
    return script;
  }

  private DaemonNode node(String name, int port, int seedPort, String jobs) {
    return cluster.start(name, port, seedPort, jobs);
  }

  private String sourceJob(String... clients) {
    return """
        { name = "%s", type = source, clients = [ %s ]
          filesystems { "%s<" = true }
          snapshotting { type = periodic, prefix = "zfleet_", interval = 1h }
        }
        """
        .formatted(
            SOURCE,
            String.join(", ", List.of(clients).stream().map(c -> "\"" + c + "\"").toList()),
            source);
  }

  private static String pullJob(DatasetName root, String interval) {
    return """
        { name = "%s", type = pull, source = "%s", root-fs = "%s", interval = %s
          pruning { keep-sender = [ { type = last-n, count = 10 } ], keep-receiver = [ { type = last-n, count = 10 } ] }
          replication { stall-timeout = 10s, retry-backoff { min = 1s, max = 2s } }
        }
        """
        .formatted(PULL, SOURCE, root, interval);
  }

  /**
   * Wakes a manual pull until it has listed its source: the first wakeup may come before the node
   * has learnt of the source, and a manual job does not try again by itself.
   */
  private void wakeUntilListed(DaemonNode puller) {
    await(
        "a listing of the source by " + puller.name,
        puller,
        () -> {
          puller.wakeup(PULL, Duration.ofSeconds(30));
          DaemonNode.sleep(Duration.ofSeconds(1));
          return puller
              .status()
              .flatMap(
                  st ->
                      java.util.stream.StreamSupport.stream(st.path("jobs").spliterator(), false)
                          .findFirst())
              .filter(job -> job.path("filesystems").size() > 0)
              .orElse(null);
        });
  }

  /** Wakes the source until it has a snapshot newer than {@code after}; returns its name. */
  private String snapshotOnSource(DaemonNode alpha, String after) {
    alpha.wakeup(SOURCE, Duration.ofSeconds(60));
    return await(
        "a snapshot after " + after + " on the source",
        alpha,
        () -> {
          List<String> taken = snapshots(source);
          if (taken.isEmpty() || taken.get(taken.size() - 1).equals(after)) {
            return null;
          }
          String newest = taken.get(taken.size() - 1);
          return filesystems.stream().allMatch(fs -> snapshots(fs).contains(newest))
              ? newest
              : null;
        });
  }

  /**
   * Waits until {@code snapshot} is on every replica below {@code root} and the pull's status says
   * so.
   */
  private void awaitPulled(DaemonNode puller, DatasetName root, String snapshot) {
    await(
        snapshot + " pulled by " + puller.name,
        puller,
        () -> {
          boolean everywhere =
              filesystems.stream().allMatch(fs -> snapshots(replica(root, fs)).contains(snapshot));
          boolean ok =
              filesystems.stream()
                  .allMatch(
                      fs ->
                          puller
                              .outcome(PULL, fs.value(), "REPLICATE", SOURCE)
                              .filter(o -> o.path("ok").asBoolean())
                              .isPresent());
          return everywhere && ok ? true : null;
        });
  }

  /** The source root, a child and a grandchild with a space in its name, each with a file. */
  private void sourceTree(int size) {
    source = fixture.scratch(RealZfsFixture.POOL_1, "PullIT");
    filesystems.addAll(tree(source, size));
  }

  private <T> T await(String what, DaemonNode node, Supplier<T> value) {
    return cluster.await(what, node, value);
  }

  // ---- what is on the pools

  /** Where a pull from alpha keeps {@code fs}: {@code <root-fs>/alpha/<fs>}. */
  private static DatasetName replica(DatasetName root, DatasetName fs) {
    return root.child("alpha").child(fs.value());
  }

  /**
   * Every file of every source filesystem is in the replica's {@code snapshot}, byte for byte. Read
   * from a clone of that snapshot beside the pulled tree: a replica received into its placeholder
   * (filesystems replicate in parallel, so a child may come first) keeps canmount=off, and
   * remounting a tree under a running zfs-fuse is not worth the risk.
   */
  private void assertSameFiles(DatasetName root, String snapshot) throws Exception {
    for (int i = 0; i < filesystems.size(); i++) {
      DatasetName fs = filesystems.get(i);
      DatasetName clone = root.child("verify-" + i);
      zfs("clone", replica(root, fs).value() + "@" + snapshot, clone.value());
      try {
        for (String file : files(fs)) {
          byte[] sent = RealZfsFixture.readFile(fs, file).orElseThrow();
          byte[] received =
              RealZfsFixture.readFile(clone, file)
                  .orElseThrow(
                      () ->
                          new AssertionError(
                              file + " missing in " + replica(root, fs) + "@" + snapshot));
          assertThat(sha256(received)).as("%s of %s", file, fs).isEqualTo(sha256(sent));
        }
      } finally {
        destroyClone(clone);
      }
    }
  }
}
