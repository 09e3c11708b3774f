package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.remote.PoolCommands.releaseHolds;
import static org.zfleet.node.remote.PoolCommands.snapshots;
import static org.zfleet.node.remote.PoolCommands.tree;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * The dry runs across the cluster (issue 9, item 1): {@code zfleet test plan} and {@code test
 * prune} of a push job whose sink runs on another node print what the running daemon's planner last
 * returned for it, and without the daemon say plainly that the sink needs it.
 */
@Timeout(150)
class ClusterDryRunIT {

  private static final String PUSH = "push";
  private static final ObjectMapper JSON = new ObjectMapper();

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
    cluster = new ClusterNodes(certs, test, Duration.ofSeconds(60));
  }

  @AfterEach
  void stopNodesAndCleanUp() {
    cluster.killAll();
    if (source != null) {
      releaseHolds(source, PUSH, List.of("sink-beta"));
    }
    fixture.destroyAll();
  }

  private record Run(int code, String out, String err) {
    List<JsonNode> lines() throws IOException {
      List<JsonNode> lines = new ArrayList<>();
      for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
        lines.add(JSON.readTree(line));
      }
      return lines;
    }
  }

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ZfleetCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void theDryRunsOfAPushWhoseSinkIsOnAnotherNodePrintTheDaemonsPlan() throws Exception {
    source = fixture.scratch(RealZfsFixture.POOL_1, "DryRunIT");
    List<DatasetName> filesystems = tree(source, 4 * 1024);
    DatasetName sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "DryRunIT-sink");
    List<Integer> ports = DaemonNode.clusterPorts(2);
    DaemonNode alpha =
        cluster.start(
            "alpha",
            ports.get(0),
            ports.get(0),
            """
            { name = "%s", type = push, sink = "sink-beta"
              filesystems { "%s<" = true }
              snapshotting { type = periodic, prefix = "zfleet_", interval = 1h }
              pruning { keep-sender = [ { type = last-n, count = 1 } ], keep-receiver = [ { type = last-n, count = 10 } ] }
              replication { retry-backoff { min = 1s, max = 2s } }
            }
            """
                .formatted(PUSH, source));
    cluster.start(
        "beta",
        ports.get(1),
        ports.get(0),
        "{ name = \"sink-beta\", type = sink, root-fs = \"%s\", clients = [ \"alpha\" ] }"
            .formatted(sinkRoot));
    alpha.wakeup(PUSH, Duration.ofSeconds(60));
    cluster.await(
        "replicated to beta",
        alpha,
        () ->
            filesystems.stream()
                    .allMatch(fs -> !snapshots(sinkRoot.child("alpha").child(fs.value())).isEmpty())
                ? true
                : null);

    // The daemon's last plan sees beta's replicas: nothing is unavailable (the plan may predate
    // the last replication, which then shows as its steps).
    String config = alpha.config.toString();
    Run plan =
        cluster.await(
            "the daemon's plan after the replication",
            alpha,
            () -> {
              Run r = cli("test", "plan", "--config", config, "--job", PUSH, "--json");
              return r.code() == 0 ? r : null;
            });
    assertThat(plan.lines())
        .as("stderr: %s", plan.err())
        .hasSize(filesystems.size())
        .allSatisfy(
            line -> {
              assertThat(line.path("destination").asText()).isEqualTo("sink-beta");
              assertThat(line.path("result").asText()).isIn("up-to-date", "steps");
            });
    assertThat(plan.err()).contains("the running daemon's last plan of job " + PUSH);
    Run receivers =
        cli("test", "prune", "--config", config, "--job", PUSH, "--side", "receiver", "--json");
    assertThat(receivers.code()).as("stderr: %s", receivers.err()).isZero();
    assertThat(receivers.lines())
        .extracting(l -> l.path("filesystem").asText())
        .contains(sinkRoot.child("alpha").child(source.value()).value());

    // Without the daemon, the sink on another node cannot be planned from here: said plainly.
    alpha.close();
    Run without = cli("test", "plan", "--config", config, "--job", PUSH);
    assertThat(without.code()).isEqualTo(ZfleetCommand.EXIT_FAILED);
    assertThat(without.out())
        .contains("sink sink-beta is on another node: its plan needs the running daemon");
  }
}
