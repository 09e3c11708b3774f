package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.TestInfo;
import org.zfleet.node.cli.ZfleetCommand;

/**
 * The daemons of one multi-node test: each a {@code zfleet daemon} JVM on 127.0.0.1 with a home
 * (configuration, data-dir, log) under {@code target/remote-it/<test>-<id>/<node>/}, kept after the
 * run and named in failure messages.
 */
final class ClusterNodes {

  static final List<String> NAMES = List.of("alpha", "beta", "gamma");

  private final Path certs;
  private final Path home;
  private final Duration patience;
  private final List<DaemonNode> nodes = new ArrayList<>();

  ClusterNodes(Path certs, TestInfo test, Duration patience) throws IOException {
    this.certs = certs;
    this.patience = patience;
    this.home =
        Files.createDirectories(
                Path.of(
                    "target",
                    "remote-it",
                    test.getTestMethod().orElseThrow().getName()
                        + "-"
                        + Long.toHexString(System.nanoTime())))
            .toAbsolutePath();
  }

  /**
   * A CA and the certificates of alpha, beta and gamma, made with the command line operators use.
   */
  static void createCertificates(Path certs) {
    assertThat(ZfleetCommand.execute("cert", "create-ca", "--dir", certs.toString())).isZero();
    for (String node : NAMES) {
      assertThat(ZfleetCommand.execute("cert", "create-node", node, "--dir", certs.toString()))
          .isZero();
    }
  }

  /** Where the nodes' homes and logs are kept. */
  Path home() {
    return home;
  }

  DaemonNode start(String name, int port, int seedPort, String jobs) {
    return start(name, port, seedPort, jobs, "");
  }

  /** The same, with {@code extra} HOCON after the node's configuration. */
  DaemonNode start(String name, int port, int seedPort, String jobs, String extra) {
    DaemonNode node = DaemonNode.configure(name, port, seedPort, certs, home, jobs, extra);
    nodes.add(node);
    return node.start();
  }

  /**
   * Polls {@code value} until it is not null; fails with every node's status and log on timeout.
   */
  <T> T await(String what, DaemonNode node, Supplier<T> value) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (System.nanoTime() < deadline) {
      T found = value.get();
      if (found != null) {
        return found;
      }
      node.assertAlive();
      DaemonNode.sleep(Duration.ofMillis(250));
    }
    throw new AssertionError(
        "not within "
            + patience
            + ": "
            + what
            + "; status: "
            + node.status().orElse(null)
            + nodes.stream().map(DaemonNode::describe).reduce("", String::concat));
  }

  /** Every node's log lines, node by node. */
  List<String> logs() {
    return nodes.stream().flatMap(n -> n.logLines().stream()).toList();
  }

  void killAll() {
    nodes.forEach(DaemonNode::kill);
  }
}
