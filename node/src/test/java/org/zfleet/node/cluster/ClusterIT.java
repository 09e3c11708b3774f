package org.zfleet.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.zfleet.config.HostPort;

/**
 * Real clusters: every node is its own JVM on 127.0.0.1 with Artery over mutual TLS. Node logs are
 * kept under {@code target/cluster-it/<test>/}.
 */
@Timeout(120)
class ClusterIT {

  static final Duration FORMED = Duration.ofSeconds(60);

  @TempDir static Path certificates;
  static TestCertificates ca;
  static TestCertificates otherCa;

  final List<NodeProcess> nodes = new ArrayList<>();
  Path logs;

  @BeforeAll
  static void authorities() {
    ca = TestCertificates.createCa(certificates.resolve("cluster-ca"), "zfleet test CA");
    otherCa = TestCertificates.createCa(certificates.resolve("other-ca"), "some other CA");
  }

  @BeforeEach
  void logDirectory(TestInfo test) {
    logs = Path.of("target", "cluster-it", test.getTestMethod().orElseThrow().getName());
  }

  @AfterEach
  void stopAllNodes() {
    nodes.forEach(NodeProcess::close);
  }

  NodeProcess start(
      String name, List<NodeProcess> seeds, TlsFiles tls, List<String> jobs, String... extra) {
    List<HostPort> seedAddresses = seeds.stream().map(node -> node.bind).toList();
    NodeProcess node = NodeProcess.start(name, seedAddresses, tls, jobs, logs, extra);
    nodes.add(node);
    return node;
  }

  static void assertMembers(NodeProcess node, String upMembers) {
    String answer = node.awaitAnswer("members", a -> a.startsWith("up=" + upMembers + " "), FORMED);
    assertThat(answer)
        .as("members seen by %s (log %s)", node.name, node.log)
        .startsWith("up=" + upMembers + " ");
  }

  static String findWhenFound(NodeProcess node, String job) {
    return node.awaitAnswer("find " + job, a -> a.startsWith("found "), Duration.ofSeconds(20));
  }

  @Test
  void twoNodesFormAClusterOverTlsAndFindEachOthersJobsByName() {
    NodeProcess alpha = start("alpha", List.of(), ca.node("alpha"), List.of("alpha-source:source"));
    assertMembers(alpha, "alpha");
    assertThat(alpha.ask("wait beta-sink")).isEqualTo("waiting");
    assertThat(alpha.ask("status"))
        .isEqualTo(
            "waiting for sink beta-sink: not reachable (no node offers job beta-sink; known jobs:"
                + " alpha-source)");

    NodeProcess beta = start("beta", List.of(alpha), ca.node("beta"), List.of("beta-sink:sink"));

    assertMembers(alpha, "alpha,beta");
    assertMembers(beta, "alpha,beta");
    assertThat(alpha.awaitEvent("found beta-sink", Duration.ofSeconds(20)))
        .as("the wait for beta-sink ended")
        .isTrue();
    assertThat(alpha.ask("status")).isEmpty();
    assertThat(findWhenFound(alpha, "beta-sink"))
        .isEqualTo("found beta-sink claimed=beta verified=beta");
    assertThat(findWhenFound(beta, "alpha-source"))
        .isEqualTo("found alpha-source claimed=alpha verified=alpha");
    assertThat(
            beta.awaitAnswer(
                "find gamma-sink",
                a -> a.contains("alpha-source, beta-sink"),
                Duration.ofSeconds(20)))
        .isEqualTo(
            "not-reachable not reachable (no node offers job gamma-sink; known jobs: alpha-source,"
                + " beta-sink)");
  }

  @Test
  void healthEndpointsAnswerOnAJoinedNode() {
    NodeProcess alpha = start("alpha", List.of(), ca.node("alpha"), List.of());
    assertMembers(alpha, "alpha");

    assertThat(alpha.httpStatus("/alive")).isEqualTo(200);
    assertThat(alpha.httpStatus("/ready")).isEqualTo(200);
  }

  @Test
  void whenOneOfThreeNodesDiesOnlyItsJobBecomesUnreachableAndTheOthersCarryOn() {
    NodeProcess alpha = start("alpha", List.of(), ca.node("alpha"), List.of("alpha-sink:sink"));
    NodeProcess beta = start("beta", List.of(alpha), ca.node("beta"), List.of("beta-sink:sink"));
    NodeProcess gamma =
        start("gamma", List.of(alpha), ca.node("gamma"), List.of("gamma-source:source"));
    assertMembers(alpha, "alpha,beta,gamma");
    assertThat(findWhenFound(alpha, "gamma-source"))
        .isEqualTo("found gamma-source claimed=gamma verified=gamma");
    assertThat(findWhenFound(beta, "gamma-source"))
        .isEqualTo("found gamma-source claimed=gamma verified=gamma");

    gamma.kill();

    String lookup =
        alpha.awaitAnswer(
            "find gamma-source", a -> a.startsWith("not-reachable"), Duration.ofSeconds(30));
    assertThat(lookup)
        .startsWith("not-reachable not reachable (")
        .contains("job gamma-source; known jobs: ");
    assertThat(findWhenFound(alpha, "beta-sink"))
        .isEqualTo("found beta-sink claimed=beta verified=beta");
    assertThat(findWhenFound(beta, "alpha-sink"))
        .isEqualTo("found alpha-sink claimed=alpha verified=alpha");
    // keep-majority: the two survivors down the dead node and stay up.
    assertMembers(alpha, "alpha,beta");
    assertMembers(beta, "alpha,beta");
    assertThat(
            alpha.awaitAnswer(
                "find gamma-source", a -> a.contains("no node offers"), Duration.ofSeconds(20)))
        .isEqualTo(
            "not-reachable not reachable (no node offers job gamma-source; known jobs: alpha-sink,"
                + " beta-sink)");
  }

  @Test
  void nodeWithACertificateFromAnotherCaCannotJoinAndItsLogSaysWhy() {
    NodeProcess alpha = start("alpha", List.of(), ca.node("alpha"), List.of());
    assertMembers(alpha, "alpha");

    NodeProcess mallory =
        start("mallory", List.of(alpha), otherCa.node("mallory"), List.of("mallory-sink:sink"));

    String refusal = mallory.awaitLog("refused cluster peer", Duration.ofSeconds(40));
    assertThat(refusal)
        .as("log of mallory (%s)", mallory.log)
        .contains(
            "node at 127.0.0.1:"
                + alpha.bind.port()
                + " presented certificate CN=alpha issued by CN=zfleet test CA")
        .contains("not by this cluster's CA CN=some other CA");
    assertThat(alpha.ask("members")).endsWith(" all=alpha:Up");
    assertThat(alpha.ask("find mallory-sink")).startsWith("not-reachable");
    assertThat(mallory.ask("members")).doesNotContain("alpha");
    assertThat(mallory.httpStatus("/alive")).isEqualTo(200);
    // Pekko Management answers a failing check with 500.
    assertThat(mallory.httpStatus("/ready")).as("not ready while not a member").isEqualTo(500);
  }

  @Test
  void memberClaimingAnotherNameThanItsCertificateIsDowned() {
    NodeProcess alpha = start("alpha", List.of(), ca.node("alpha"), List.of());
    assertMembers(alpha, "alpha");

    NodeProcess impostor =
        start("mallory", List.of(alpha), ca.node("mallory"), List.of(), "claim=beta");

    String downing = alpha.awaitLog("downing member", Duration.ofSeconds(40));
    assertThat(downing)
        .as("log of alpha (%s)", alpha.log)
        .contains("claims node:beta but its certificate names \"mallory\"");
    assertThat(alpha.awaitAnswer("members", a -> a.endsWith(" all=alpha:Up"), FORMED))
        .endsWith(" all=alpha:Up");
    // Downed, the impostor's node ends its JVM (at the latest when the shutdown phase times out).
    assertThat(impostor.awaitExit(Duration.ofSeconds(40))).as("the impostor's JVM ended").isTrue();
  }
}
