package org.zfleet.node.remote;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
 * {@code zfleet check freshness} on a pushing node while its sink's node goes away and comes back:
 * OK while snapshots (every 5 s) reach the sink, WARNING past 20 s without one, CRITICAL past 40 s,
 * OK again once the sink's node is back and replication has caught up.
 */
@Timeout(300)
class FreshnessCheckIT {

  private static final String PUSH = "push";

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
    cluster = new ClusterNodes(certs, test, Duration.ofSeconds(90));
  }

  @AfterEach
  void stopNodesAndCleanUp() {
    cluster.killAll();
    if (source != null) {
      PoolCommands.releaseHolds(source, PUSH, List.of("sink-beta"));
    }
    fixture.destroyAll();
  }

  @Test
  void aStoppedSinkTurnsTheCheckWarningThenCriticalAndItsReturnOk() {
    source = fixture.scratch(RealZfsFixture.POOL_1, "FreshIT");
    DatasetName sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "FreshIT-sink");
    List<Integer> ports = DaemonNode.clusterPorts(2);
    DaemonNode alpha =
        cluster.start(
            "alpha",
            ports.get(0),
            ports.get(0),
            """
            { name = "%s", type = push, sink = "sink-beta"
              filesystems { "%s" = true }
              snapshotting { type = periodic, prefix = "zfleet_", interval = 5s }
              pruning { keep-sender = [ { type = not-replicated }, { type = last-n, count = 3 } ]
                        keep-receiver = [ { type = last-n, count = 3 } ] }
              replication { stall-timeout = 10s, retry-backoff { min = 1s, max = 2s }
                            freshness { warn = 20s, critical = 40s } }
            }
            """
                .formatted(PUSH, source));
    DaemonNode beta =
        cluster.start(
            "beta",
            ports.get(1),
            ports.get(0),
            "{ name = \"sink-beta\", type = sink, root-fs = \"%s\", clients = [ \"alpha\" ] }"
                .formatted(sinkRoot));

    awaitCheck(alpha, 0, "FRESHNESS OK");
    beta.close();
    awaitCheck(alpha, 1, "FRESHNESS WARNING");
    awaitCheck(alpha, 2, "FRESHNESS CRITICAL");
    beta.start();
    awaitCheck(alpha, 0, "FRESHNESS OK");
  }

  private void awaitCheck(DaemonNode node, int code, String head) {
    cluster.await(
        "check freshness exits " + code + " (" + head + ")",
        node,
        () -> {
          StringWriter out = new StringWriter();
          int exit =
              ZfleetCommand.execute(
                  new PrintWriter(out, true),
                  new PrintWriter(new StringWriter(), true),
                  "check",
                  "freshness",
                  "--config",
                  node.config.toString(),
                  "--job",
                  PUSH);
          return exit == code && out.toString().startsWith(head) ? out.toString() : null;
        });
  }
}
