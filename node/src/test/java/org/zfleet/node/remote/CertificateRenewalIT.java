package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.remote.PoolCommands.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.node.cli.ZfleetCommand;
import org.zfleet.zfs.RealZfsFixture;

/**
 * The rolling restart after {@code zfleet cert renew-node} (docs/operations.md): two daemons in a
 * cluster over mutual TLS, the sink node's certificate renewed and that node restarted; the cluster
 * forms again with the new certificate and replication goes on.
 */
@Timeout(300)
class CertificateRenewalIT {

  private static final String PUSH = "push";
  private static final String SINK = "sink-beta";
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  @TempDir static Path certs;
  private ClusterNodes cluster;
  private final RealZfsFixture fixture = new RealZfsFixture();
  private DatasetName source;

  @BeforeAll
  static void certificatesAndPools() {
    RealZfsFixture.requirePools();
    ClusterNodes.createCertificates(certs);
  }

  @BeforeEach
  void nodeHomes(TestInfo test) throws IOException {
    cluster = new ClusterNodes(certs, test, PATIENCE);
  }

  @AfterEach
  void stopNodesAndCleanUp() {
    cluster.killAll();
    if (source != null) {
      releaseHolds(source, PUSH, List.of(SINK));
    }
    fixture.destroyAll();
  }

  @Test
  void aNodeRestartedWithARenewedCertificateRejoinsAndReplicationGoesOn() throws Exception {
    source = fixture.scratch(RealZfsFixture.POOL_1, "RenewIT");
    write(source, "file.bin", 32 * 1024, 1);
    DatasetName sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "RenewIT-sink");
    DatasetName replica = sinkRoot.child("alpha").child(source.value());
    List<Integer> ports = DaemonNode.clusterPorts(2);
    DaemonNode alpha = cluster.start("alpha", ports.get(0), ports.get(0), pushJob());
    DaemonNode beta =
        cluster.start(
            "beta",
            ports.get(1),
            ports.get(0),
            "{ name = \"%s\", type = sink, root-fs = \"%s\", clients = [ \"alpha\" ] }"
                .formatted(SINK, sinkRoot));

    alpha.wakeup(PUSH, Duration.ofSeconds(120)); // the JVMs start slowly on a busy machine
    String first = awaitOnReplica(alpha, replica, null);

    byte[] before = Files.readAllBytes(certs.resolve("beta.crt"));
    assertThat(ZfleetCommand.execute("cert", "renew-node", "beta", "--dir", certs.toString()))
        .isZero();
    assertThat(Files.readAllBytes(certs.resolve("beta.crt"))).isNotEqualTo(before);
    assertThat(Files.readAllBytes(certs.resolve("beta.crt.old"))).isEqualTo(before);
    beta.close();
    beta.start();

    write(source, "second.bin", 16 * 1024, 2);
    DaemonNode.sleep(Duration.ofMillis(1100)); // snapshot names have one-second resolution
    alpha.wakeup(PUSH, Duration.ofSeconds(30));
    String second = awaitOnReplica(alpha, replica, first);

    assertThat(snapshots(replica)).contains(first, second);
    beta.assertAlive();
    alpha.assertAlive();
    assertThat(beta.logLines())
        .as("refusals and failed TLS handshakes on the renewed node")
        .noneMatch(
            l ->
                l.contains("refused sink=")
                    || l.contains("data plane: refused")
                    || l.contains("SSLHandshakeException")
                    || l.contains("certificate_unknown"));
  }

  private String pushJob() {
    return """
        { name = "%s", type = push, sink = "%s"
          filesystems { "%s" = true }
          snapshotting { type = periodic, prefix = "zfleet_", interval = 1h }
          pruning { keep-sender = [ { type = last-n, count = 5 } ], keep-receiver = [ { type = last-n, count = 10 } ] }
          replication { stall-timeout = 10s, retry-backoff { min = 1s, max = 2s } }
        }
        """
        .formatted(PUSH, SINK, source);
  }

  /** The sender's newest snapshot other than {@code after}, once it is on the replica. */
  private String awaitOnReplica(DaemonNode pusher, DatasetName replica, String after) {
    return cluster.await(
        "a snapshot after " + after + " on " + replica,
        pusher,
        () -> {
          List<String> sent = snapshots(source);
          if (sent.isEmpty() || sent.get(sent.size() - 1).equals(after)) {
            return null;
          }
          String newest = sent.get(sent.size() - 1);
          return snapshots(replica).contains(newest) ? newest : null;
        });
  }
}
