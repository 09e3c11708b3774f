package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.schedule.SnapshotNaming;
import org.zfleet.zfs.RealZfs;
import org.zfleet.zfs.RealZfsFixture;

/**
 * A transfer between two nodes resumed on real OpenZFS (the guest of {@code deploy/openzfs-vm.sh}):
 * node alpha pushes to a sink on node beta over mutual TLS, both daemons' {@code zfs} the guest's.
 * The increment runs at a limited rate, alpha is killed (SIGKILL) half-way; beta's resumable
 * receive keeps what arrived. After alpha's restart the next attempt asks beta for the token, reads
 * it with its own ZFS and sends only the rest ({@code zfs send -t}).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class OpenZfsRemoteResumeIT {

  private static final String PUSH = "push";
  private static final String SINK = "sink-beta";
  private static final String PULL = "pull";
  private static final String SOURCE = "source-alpha";
  private static final String PREFIX = "zf_";
  private static final int BIG = 8 * 1024 * 1024;

  /**
   * A pull's limit holds where the stream is received: the source fills the connection's buffers
   * (megabytes on loopback) ahead of it, so a pull's stream must be longer than those to be cut.
   */
  private static final int BIG_PULL = 32 * 1024 * 1024;

  /** A node's log line for a request, stream or peer it refused. */
  private static final Pattern REFUSAL = Pattern.compile("WARN +\\S+ +(data plane: )?refused ");

  private static final Pattern RESUMING = Pattern.compile("resuming .* at_bytes=(\\d+)");

  @TempDir static Path certs;
  private static RealZfs real;
  private RealZfsFixture fixture;
  private ClusterNodes cluster;
  private DatasetName src;

  @BeforeAll
  static void certificatesAndGuest() {
    real = RealZfs.openZfs();
    real.requirePools();
    ClusterNodes.createCertificates(certs);
  }

  @BeforeEach
  void nodes(TestInfo test) throws IOException {
    fixture = new RealZfsFixture(real);
    cluster = new ClusterNodes(certs, test, Duration.ofMinutes(3));
  }

  @AfterEach
  void cleanUp() {
    try {
      cluster.killAll();
    } finally {
      if (src != null) {
        ReplicationMarks push = ReplicationMarks.of(PUSH, SINK);
        ReplicationMarks pull = ReplicationMarks.of(PULL, "beta");
        real.releaseAll(
            src,
            List.of(
                push.cursorHoldTag(),
                push.stepHoldTag(),
                pull.cursorHoldTag(),
                pull.stepHoldTag()));
      }
      fixture.destroyAll();
    }
  }

  @Test
  void anIncrementCutByTheSendersCrashResumesFromTheSinksTokenAfterItsRestart() {
    src = fixture.scratch(real.pool1(), "OpenZfsRemoteResumeIT");
    DatasetName sinkRoot = fixture.scratch(real.pool2(), "OpenZfsRemoteResumeIT-sink");
    DatasetName fs = source(1);
    List<Integer> ports = DaemonNode.clusterPorts(2);
    cluster.start("beta", ports.get(1), ports.get(1), sinkJob(sinkRoot), zfs());
    DaemonNode alpha = cluster.start("alpha", ports.get(0), ports.get(1), pushJob(fs), zfs());
    Replication push = new Replication(alpha, PUSH, SINK, fs, sinkRoot.child("alpha"));

    String summary = push.cutByAlphasCrashThenResumed(alpha, BIG, 2 * 1024 * 1024);
    System.out.printf("OpenZfsRemoteResumeIT (push): %s%n", summary);
  }

  @Test
  void aPullCutByTheSourcesCrashResumesFromThePullersTokenAfterItsRestart() {
    src = fixture.scratch(real.pool1(), "OpenZfsRemoteResumeIT-pull");
    DatasetName pullRoot = fixture.scratch(real.pool2(), "OpenZfsRemoteResumeIT-pulled");
    DatasetName fs = source(3);
    List<Integer> ports = DaemonNode.clusterPorts(2);
    DaemonNode beta = cluster.start("beta", ports.get(1), ports.get(1), pullJob(pullRoot), zfs());
    DaemonNode alpha = cluster.start("alpha", ports.get(0), ports.get(1), sourceJob(fs), zfs());
    Replication pull = new Replication(beta, PULL, SOURCE, fs, pullRoot.child("alpha"));

    // The pull job's bandwidth limit holds the source's send to 4 MiB/s: the cut lands mid-stream.
    String summary = pull.cutByAlphasCrashThenResumed(alpha, BIG_PULL, 4 * 1024 * 1024);
    System.out.printf("OpenZfsRemoteResumeIT (pull): %s%n", summary);
  }

  /** {@code src/data} with a first file. */
  private DatasetName source(long seed) {
    DatasetName fs = src.child("data");
    real.zfs("create", fs.value());
    real.writeRandom(fs, "first.bin", 100_000, seed);
    return fs;
  }

  /**
   * The replication of {@code fs} by job {@code job} of node {@code runner} (the push or the pull)
   * to or from {@code peerJob}, into {@code root/fs}.
   */
  private final class Replication {
    private final DaemonNode runner;
    private final String job;
    private final String peerJob;
    private final DatasetName fs;
    private final DatasetName replica;

    Replication(DaemonNode runner, String job, String peerJob, DatasetName fs, DatasetName root) {
      this.runner = runner;
      this.job = job;
      this.peerJob = peerJob;
      this.fs = fs;
      this.replica = root.child(fs.value());
    }

    /**
     * A first snapshot replicated, then an increment of {@code size} bytes cut by killing node
     * alpha once {@code cutAt} bytes have passed: nothing partial is committed, and after alpha's
     * restart the next attempt resumes from the token and the increment arrives whole. Returns the
     * bytes kept at the cut and the step's summary.
     */
    String cutByAlphasCrashThenResumed(DaemonNode alpha, int size, long cutAt) {
      String s1 = snapshot(fs, Instant.now());
      runner.wakeup(job, Duration.ofSeconds(60));
      arrived(s1);

      real.writeRandom(fs, "big.bin", size, 2);
      String s2 = snapshot(fs, Instant.now().plusSeconds(60));
      runner.wakeup(job, Duration.ofSeconds(60));
      cluster.await(
          runner.name + " moves the increment, past " + cutAt + " bytes",
          runner,
          () ->
              runner
                  .running(job, fs.value())
                  .filter(r -> r.path("bytes").asLong() > cutAt)
                  .orElse(null));
      alpha.kill();
      cluster.await(
          "the partial receive into " + replica,
          runner,
          () -> {
            String t = real.property(replica, "receive_resume_token");
            return t.isEmpty() || t.equals("-") ? null : t;
          });
      assertThat(real.snapshots(replica)).as("nothing partial committed").containsExactly(s1);

      alpha.start();
      runner.wakeup(job, Duration.ofSeconds(60));
      JsonNode outcome = arrived(s2);

      long resumedAt = resumedAt(runner);
      String summary = outcome.path("summary").asText();
      assertThat(resumedAt).isPositive().isLessThan(size);
      assertThat(summary).contains("resumed at " + resumedAt + " bytes");
      assertThat(real.property(replica, "receive_resume_token")).isIn("-", "");
      assertThat(real.snapshots(replica)).containsExactly(s1, s2);
      assertThat(real.guid(replica, s2)).isEqualTo(real.guid(fs, s2));
      assertThat(real.replicaContents(replica)).isEqualTo(real.contents(fs));
      assertThat(cluster.logs()).as("requests refused").noneMatch(l -> REFUSAL.matcher(l).find());
      return resumedAt + " bytes kept at the cut; " + summary;
    }

    private JsonNode arrived(String snapshot) {
      return cluster.await(
          replica + "@" + snapshot + " received",
          runner,
          () -> {
            Optional<JsonNode> done =
                runner
                    .outcome(job, fs.value(), "REPLICATE", peerJob)
                    .filter(o -> o.path("summary").asText().contains("@" + snapshot));
            return done.isPresent() && real.snapshots(replica).contains(snapshot)
                ? done.get()
                : null;
          });
    }
  }

  private static long resumedAt(DaemonNode node) {
    return node.logLines().stream()
        .map(RESUMING::matcher)
        .filter(Matcher::find)
        .map(m -> Long.parseLong(m.group(1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(node.name + " did not log a resumed transfer"));
  }

  private static String pullJob(DatasetName pullRoot) {
    return """
        { name = "%s", type = pull, source = "%s", root-fs = "%s", interval = 3s
          pruning {
            keep-sender = [ { type = not-replicated }, { type = last-n, count = 5 } ]
            keep-receiver = [ { type = last-n, count = 5 } ]
          }
          replication {
            bandwidth-limit = "4 MiB/s", stall-timeout = 10s
            retry-backoff { min = 1s, max = 2s }
          }
        }
        """
        .formatted(PULL, SOURCE, pullRoot);
  }

  private static String sourceJob(DatasetName fs) {
    return """
        { name = "%s", type = source, clients = [ "beta" ]
          filesystems { "%s" = true }
          snapshotting { type = manual, prefix = "%s" }
        }
        """
        .formatted(SOURCE, fs, PREFIX);
  }

  private static String snapshot(DatasetName fs, Instant at) {
    String name = new SnapshotNaming(PREFIX).name(at);
    real.zfs("snapshot", fs.snapshot(name).full());
    return name;
  }

  /** Both daemons run the guest's zfs and zpool. */
  private static String zfs() {
    return "zfleet.node.zfs { zfs-path = \"%s\", zpool-path = \"%s\" }"
        .formatted(real.zfs(), real.zpool());
  }

  private static String pushJob(DatasetName fs) {
    return """
        { name = "%s", type = push, sink = "%s"
          filesystems { "%s" = true }
          snapshotting { type = manual, prefix = "%s" }
          pruning {
            keep-sender = [ { type = not-replicated }, { type = last-n, count = 5 } ]
            keep-receiver = [ { type = last-n, count = 5 } ]
          }
          replication {
            bandwidth-limit = "2 MiB/s", stall-timeout = 10s
            retry-backoff { min = 1s, max = 2s }
          }
        }
        """
        .formatted(PUSH, SINK, fs, PREFIX);
  }

  private static String sinkJob(DatasetName sinkRoot) {
    return "{ name = \"%s\", type = sink, root-fs = \"%s\", clients = [ \"alpha\" ] }"
        .formatted(SINK, sinkRoot);
  }
}
