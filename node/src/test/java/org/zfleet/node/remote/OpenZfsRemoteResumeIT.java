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
    DatasetName fs = src.child("data");
    real.zfs("create", fs.value());
    real.writeRandom(fs, "first.bin", 100_000, 1);
    String s1 = snapshot(fs, Instant.now());
    DatasetName replica = sinkRoot.child("alpha").child(fs.value());

    List<Integer> ports = DaemonNode.clusterPorts(2);
    DaemonNode beta = cluster.start("beta", ports.get(1), ports.get(1), sinkJob(sinkRoot), zfs());
    DaemonNode alpha = cluster.start("alpha", ports.get(0), ports.get(1), pushJob(fs), zfs());
    alpha.wakeup(PUSH, Duration.ofSeconds(60));
    awaitReplicated(alpha, fs, replica, s1);

    real.writeRandom(fs, "big.bin", BIG, 2);
    String s2 = snapshot(fs, Instant.now().plusSeconds(60));
    alpha.wakeup(PUSH, Duration.ofSeconds(60));
    cluster.await(
        "alpha sends the increment to beta, past 2 MiB",
        alpha,
        () ->
            alpha
                .running(PUSH, fs.value())
                .filter(r -> r.path("bytes").asLong() > 2 * 1024 * 1024)
                .orElse(null));
    alpha.kill();
    String token =
        cluster.await(
            "beta's partial receive into " + replica,
            beta,
            () -> {
              String t = real.property(replica, "receive_resume_token");
              return t.isEmpty() || t.equals("-") ? null : t;
            });
    assertThat(real.snapshots(replica)).as("nothing partial committed").containsExactly(s1);

    alpha.start();
    alpha.wakeup(PUSH, Duration.ofSeconds(60));
    JsonNode outcome = awaitReplicated(alpha, fs, replica, s2);

    long resumedAt = resumedAt(alpha);
    String summary = outcome.path("summary").asText();
    assertThat(resumedAt).isPositive().isLessThan(BIG);
    assertThat(summary).contains("resumed at " + resumedAt + " bytes");
    assertThat(real.property(replica, "receive_resume_token")).isIn("-", "");
    assertThat(real.snapshots(replica)).containsExactly(s1, s2);
    assertThat(real.guid(replica, s2)).isEqualTo(real.guid(fs, s2));
    assertThat(real.replicaContents(replica)).isEqualTo(real.contents(fs));
    assertThat(beta.logLines()).noneMatch(l -> l.contains("refused"));
    System.out.printf(
        "OpenZfsRemoteResumeIT: token %d characters; %d bytes kept at the cut, the rest sent on"
            + " resuming: %s%n",
        token.length(), resumedAt, summary);
  }

  @Test
  void aPullCutByTheSourcesCrashResumesFromThePullersTokenAfterItsRestart() {
    src = fixture.scratch(real.pool1(), "OpenZfsRemoteResumeIT-pull");
    DatasetName pullRoot = fixture.scratch(real.pool2(), "OpenZfsRemoteResumeIT-pulled");
    DatasetName fs = src.child("data");
    real.zfs("create", fs.value());
    real.writeRandom(fs, "first.bin", 100_000, 3);
    String s1 = snapshot(fs, Instant.now());
    DatasetName replica = pullRoot.child("alpha").child(fs.value());

    List<Integer> ports = DaemonNode.clusterPorts(2);
    DaemonNode beta = cluster.start("beta", ports.get(1), ports.get(1), pullJob(pullRoot), zfs());
    DaemonNode alpha = cluster.start("alpha", ports.get(0), ports.get(1), sourceJob(fs), zfs());
    beta.wakeup(PULL, Duration.ofSeconds(60));
    awaitPulled(beta, fs, replica, s1);

    real.writeRandom(fs, "big.bin", BIG_PULL, 4);
    String s2 = snapshot(fs, Instant.now().plusSeconds(60));
    beta.wakeup(PULL, Duration.ofSeconds(60));
    // The pull job's bandwidth limit holds the source's send to 4 MiB/s: the cut lands mid-stream.
    cluster.await(
        "beta pulls the increment from alpha, past 4 MiB",
        beta,
        () ->
            beta.running(PULL, fs.value())
                .filter(r -> r.path("bytes").asLong() > 4 * 1024 * 1024)
                .orElse(null));
    alpha.kill();
    cluster.await(
        "beta's partial receive into " + replica,
        beta,
        () -> {
          String t = real.property(replica, "receive_resume_token");
          return t.isEmpty() || t.equals("-") ? null : t;
        });
    assertThat(real.snapshots(replica)).as("nothing partial committed").containsExactly(s1);

    alpha.start();
    beta.wakeup(PULL, Duration.ofSeconds(60));
    JsonNode outcome = awaitPulled(beta, fs, replica, s2);

    long resumedAt = resumedAt(beta);
    String summary = outcome.path("summary").asText();
    assertThat(resumedAt).isPositive().isLessThan(BIG_PULL);
    assertThat(summary).contains("resumed at " + resumedAt + " bytes");
    assertThat(real.property(replica, "receive_resume_token")).isIn("-", "");
    assertThat(real.snapshots(replica)).containsExactly(s1, s2);
    assertThat(real.replicaContents(replica)).isEqualTo(real.contents(fs));
    assertThat(alpha.logLines()).noneMatch(l -> l.contains("refused"));
    System.out.printf(
        "OpenZfsRemoteResumeIT (pull): %d bytes kept at the cut, the rest sent on resuming: %s%n",
        resumedAt, summary);
  }

  private static long resumedAt(DaemonNode node) {
    return node.logLines().stream()
        .map(RESUMING::matcher)
        .filter(Matcher::find)
        .map(m -> Long.parseLong(m.group(1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(node.name + " did not log a resumed transfer"));
  }

  private JsonNode awaitPulled(
      DaemonNode beta, DatasetName fs, DatasetName replica, String snapshot) {
    return cluster.await(
        replica + "@" + snapshot + " pulled",
        beta,
        () -> {
          Optional<JsonNode> done =
              beta.outcome(PULL, fs.value(), "REPLICATE", SOURCE)
                  .filter(o -> o.path("summary").asText().contains("@" + snapshot));
          return done.isPresent() && real.snapshots(replica).contains(snapshot) ? done.get() : null;
        });
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

  private JsonNode awaitReplicated(
      DaemonNode alpha, DatasetName fs, DatasetName replica, String snapshot) {
    return cluster.await(
        replica + "@" + snapshot + " received",
        alpha,
        () -> {
          Optional<JsonNode> done =
              alpha
                  .outcome(PUSH, fs.value(), "REPLICATE", SINK)
                  .filter(o -> o.path("summary").asText().contains("@" + snapshot));
          return done.isPresent() && real.snapshots(replica).contains(snapshot) ? done.get() : null;
        });
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
