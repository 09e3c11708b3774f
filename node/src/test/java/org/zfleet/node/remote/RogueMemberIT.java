package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.remote.PoolCommands.*;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.config.HostPort;
import org.zfleet.model.DatasetName;
import org.zfleet.node.cluster.NodeProcess;
import org.zfleet.node.cluster.TlsFiles;
import org.zfleet.zfs.RealZfsFixture;

/**
 * A cluster member with a genuine certificate from the cluster's CA but modified code ({@code
 * gamma}, a {@link NodeProcess} whose attacking commands live in the test's {@code Rogue}) against
 * real daemons: {@code alpha} pushes to (or serves a source for) {@code beta}. Each test says what
 * the attacker tries; none of it may change what the victims hold.
 */
@Timeout(300)
class RogueMemberIT {

  private static final String PUSH = "push";
  private static final String SINK = "sink-beta";
  private static final String SOURCE = "source";
  private static final String PULL = "pull";
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  @TempDir static Path certs;
  private ClusterNodes cluster;
  private final RealZfsFixture fixture = new RealZfsFixture();
  private DatasetName fs;
  private NodeProcess rogue;
  private Path logs;

  @BeforeAll
  static void certificatesAndPools() {
    RealZfsFixture.requirePools();
    ClusterNodes.createCertificates(certs);
  }

  @BeforeEach
  void nodeHomes(TestInfo test) throws IOException {
    cluster = new ClusterNodes(certs, test, PATIENCE);
    logs = cluster.home();
    fs = fixture.scratch(RealZfsFixture.POOL_1, "RogueIT");
    write(fs, "file.bin", 16 * 1024, 1);
  }

  @AfterEach
  void stopNodesAndCleanUp() {
    if (rogue != null) {
      rogue.close();
    }
    cluster.killAll();
    releaseHolds(fs, PUSH, List.of(SINK));
    releaseHolds(fs, PULL, List.of("beta", "gamma"));
    fixture.destroyAll();
  }

  @Test
  void aMemberThatIsNotAClientForgesADestroyAsTheClientAndNothingChanges() {
    DatasetName sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "RogueIT-sink");
    List<Integer> ports = DaemonNode.clusterPorts(2);
    DaemonNode alpha = cluster.start("alpha", ports.get(0), ports.get(0), pushJob());
    DaemonNode beta = cluster.start("beta", ports.get(1), ports.get(0), sinkJob(sinkRoot));
    DatasetName replica = sinkRoot.child("alpha").child(fs.value());
    alpha.wakeup(PUSH, PATIENCE);
    String s1 = await("a replica on beta", alpha, () -> newest(replica));

    rogue = rogue(ports.get(0));
    String answer =
        rogue.ask("forge-destroy " + SINK + " " + replica.value() + "@" + s1 + " alpha");
    System.out.println("rogue: " + answer);

    DaemonNode.sleep(Duration.ofSeconds(5));
    assertThat(snapshots(replica)).as("alpha's replica on beta").contains(s1);
    assertThat(beta.logLines())
        .as("beta refused gamma, by its true name")
        .anyMatch(l -> l.contains("refused sink=" + SINK + " identity=gamma"));
  }

  @Test
  void aMemberCannotStopAnotherNodesActors() {
    DatasetName sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "RogueIT-sink");
    List<Integer> ports = DaemonNode.clusterPorts(2);
    DaemonNode alpha = cluster.start("alpha", ports.get(0), ports.get(0), pushJob());
    DaemonNode beta = cluster.start("beta", ports.get(1), ports.get(0), sinkJob(sinkRoot));
    DatasetName replica = sinkRoot.child("alpha").child(fs.value());
    alpha.wakeup(PUSH, PATIENCE);
    String s1 = await("a replica on beta", alpha, () -> newest(replica));

    rogue = rogue(ports.get(0));
    System.out.println("rogue: " + rogue.ask("poison " + SINK + " beta"));
    System.out.println("rogue: " + rogue.ask("poison " + SINK + " alpha"));
    System.out.println("rogue: " + rogue.ask("terminate alpha /user/job-directory /user"));
    System.out.println("rogue: " + rogue.ask("terminate beta /user/job-directory /user"));
    System.out.println("rogue: " + rogue.ask("down alpha"));
    DaemonNode.sleep(Duration.ofSeconds(3));
    alpha.assertAlive();
    beta.assertAlive();

    DaemonNode.sleep(Duration.ofSeconds(1)); // a snapshot name in a new second
    alpha.wakeup(PUSH, PATIENCE);
    String s2 =
        await(
            "a second replication after the attack",
            alpha,
            () -> {
              String newest = newest(replica);
              return newest != null && !newest.equals(s1) ? newest : null;
            });
    assertThat(snapshots(replica)).contains(s1, s2);
  }

  @Test
  void aMemberOfferingTheSinksNameReceivesNothingAndTheDuplicateIsReported() {
    DatasetName sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "RogueIT-sink");
    List<Integer> ports = DaemonNode.clusterPorts(2);
    DaemonNode alpha = cluster.start("alpha", ports.get(0), ports.get(0), pushJob());
    cluster.start("beta", ports.get(1), ports.get(0), sinkJob(sinkRoot));
    DatasetName replica = sinkRoot.child("alpha").child(fs.value());
    alpha.wakeup(PUSH, PATIENCE);
    String s1 = await("a replica on beta", alpha, () -> newest(replica));

    // A cluster address that sorts before beta's: the first in address order used to win.
    rogue = rogue(ports.get(0), freeLowPort(), "rogue-sink=" + SINK);
    rogue.awaitAnswer("find " + SINK, a -> a.contains("found"), PATIENCE);
    DaemonNode.sleep(Duration.ofSeconds(3));

    DaemonNode.sleep(Duration.ofSeconds(1));
    alpha.wakeup(PUSH, PATIENCE);
    String s2 =
        await(
            "a replication on beta after gamma offered the sink too",
            alpha,
            () -> {
              String newest = newest(replica);
              return newest != null && !newest.equals(s1) ? newest : null;
            });
    assertThat(s2).isNotNull();
    assertThat(rogue.awaitEvent("received", Duration.ofSeconds(2)))
        .as("gamma received a stream")
        .isFalse();
    assertThat(alpha.logLines()).anyMatch(l -> l.contains(SINK) && l.contains("gamma"));
    assertThat(alpha.status().orElseThrow().path("problems").toString())
        .as("alpha's status")
        .contains("sink " + SINK + " is also offered by node(s) gamma; using node beta");
  }

  @Test
  void aPullClientCannotReleaseAnotherClientsHoldsNorDestroyTheNewestSnapshot() {
    DatasetName betaRoot = fixture.scratch(RealZfsFixture.POOL_2, "RogueIT-pull");
    List<Integer> ports = DaemonNode.clusterPorts(2);
    DaemonNode alpha = cluster.start("alpha", ports.get(0), ports.get(0), sourceJob());
    DaemonNode beta = cluster.start("beta", ports.get(1), ports.get(0), pullJob(betaRoot));
    DatasetName replica = betaRoot.child("alpha").child(fs.value());
    alpha.wakeup(SOURCE, PATIENCE);
    String s1 = await("a pulled replica on beta", beta, () -> newest(replica));
    // beta's cursor holds the newest snapshot on alpha once beta has pulled it.
    DaemonNode.sleep(Duration.ofSeconds(1));
    alpha.wakeup(SOURCE, PATIENCE);
    String s2 =
        await(
            "a second snapshot pulled by beta",
            beta,
            () -> {
              String newest = newest(replica);
              return newest != null && !newest.equals(s1) ? newest : null;
            });
    assertThat(newest(fs)).isEqualTo(s2);

    rogue = rogue(ports.get(0));
    String cursor = "zfleet_cursor." + PULL + ".beta";
    System.out.println(
        "rogue: " + rogue.ask("release " + SOURCE + " " + fs.value() + "@" + s2 + " " + cursor));
    System.out.println("rogue: " + rogue.ask("destroy " + SOURCE + " " + fs.value() + "@" + s2));

    assertThat(snapshots(fs)).as("alpha's snapshots").contains(s1, s2);
    assertThat(zfs("get", "-H", "-o", "value", "userrefs", fs.value() + "@" + s2).strip())
        .as("holds on beta's cursor snapshot")
        .isNotEqualTo("0");
  }

  @Test
  void aClientsStreamCarryingPropertiesIsRefusedOnTheSinksNodeAndNothingMounts() throws Exception {
    DatasetName sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "RogueIT-sink");
    List<Integer> ports = DaemonNode.clusterPorts(1);
    DaemonNode beta = cluster.start("beta", ports.get(0), ports.get(0), sinkJob(sinkRoot));
    // alpha, a client of the sink, is compromised: it sends a zfs send -p stream whose replica
    // would mount setuid executables where it likes.
    java.nio.file.Path elsewhere = logs.resolve("elsewhere");
    java.nio.file.Files.createDirectories(elsewhere);
    zfs("set", "mountpoint=" + elsewhere, fs.value());
    zfs("set", "setuid=on", fs.value());
    zfs("snapshot", fs.value() + "@evil");
    byte[] stream = RealZfsFixture.sendBytes("-p", fs.value() + "@evil");
    zfs("inherit", "mountpoint", fs.value());
    DatasetName target = sinkRoot.child("alpha").child("evil");

    org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit kit =
        org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit.create("RogueMemberIT");
    Throwable failure;
    try {
      org.zfleet.node.dataplane.DataPlaneClient client =
          new org.zfleet.node.dataplane.DataPlaneClient(
              org.zfleet.node.tls.TlsContexts.load(
                  certs.resolve("ca.crt"), certs.resolve("alpha.crt"), certs.resolve("alpha.key")),
              kit.system());
      failure =
          await(
              "beta's data plane answers",
              beta,
              () -> {
                try {
                  client
                      .send(
                          new org.zfleet.node.dataplane.PeerAddress(
                              org.zfleet.node.tls.NodeIdentity.of("beta"),
                              "127.0.0.1",
                              beta.dataPlanePort()),
                          org.zfleet.node.dataplane.TransferHeader.receive("sink-beta", target, ""),
                          new BytesSendProcess(stream),
                          org.zfleet.transfer.TransferOptions.defaults(),
                          org.zfleet.transfer.ProgressListener.NONE)
                      .result()
                      .toCompletableFuture()
                      .get(60, java.util.concurrent.TimeUnit.SECONDS);
                  return new AssertionError("the stream was received");
                } catch (java.util.concurrent.ExecutionException e) {
                  return e.getCause().getMessage().contains("cannot connect") ? null : e.getCause();
                } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
                  throw new AssertionError(e);
                }
              });
    } finally {
      kit.shutdownTestKit();
    }

    assertThat(failure).isInstanceOf(org.zfleet.transfer.TransferFailedException.class);
    assertThat(failure.getMessage()).contains("properties");
    assertThat(datasetsUnder(sinkRoot)).as("nothing received").doesNotContain(target.value());
    assertThat(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/mounts")))
        .as("nothing mounted at " + elsewhere)
        .noneMatch(line -> line.split(" ")[1].equals(elsewhere.toString()));
  }

  // ---- nodes and jobs

  private NodeProcess rogue(int seedPort, String... extra) {
    return rogue(seedPort, 0, extra);
  }

  private NodeProcess rogue(int seedPort, int port, String... extra) {
    TlsFiles tls =
        new TlsFiles(
            certs.resolve("ca.crt"), certs.resolve("gamma.crt"), certs.resolve("gamma.key"));
    List<HostPort> seeds = List.of(new HostPort("127.0.0.1", seedPort));
    NodeProcess node =
        port == 0
            ? NodeProcess.start("gamma", seeds, tls, List.of(), logs, extra)
            : NodeProcess.start("gamma", port, seeds, tls, List.of(), logs, extra);
    String members =
        node.awaitAnswer(
            "members",
            a -> a.startsWith("up=") && a.contains("gamma") && a.contains("alpha"),
            PATIENCE);
    assertThat(members).as("the rogue joined").contains("gamma");
    return node;
  }

  /** A free port below 20000, so that its address sorts before the daemons' (20000 and up). */
  private static int freeLowPort() {
    for (int port = 10000 + (int) (Math.random() * 9000); ; port++) {
      try (java.net.ServerSocket s = new java.net.ServerSocket(port)) {
        return port;
      } catch (IOException taken) {
        // next
      }
    }
  }

  private String pushJob() {
    return """
        { name = "%s", type = push, sink = "%s"
          filesystems { "%s" = true }
          snapshotting { type = periodic, prefix = "zfleet_", interval = 1h }
          pruning { keep-sender = [ { type = last-n, count = 10 } ], keep-receiver = [ { type = last-n, count = 10 } ] }
          replication { stall-timeout = 10s, retry-backoff { min = 1s, max = 2s } }
        }
        """
        .formatted(PUSH, SINK, fs);
  }

  private static String sinkJob(DatasetName root) {
    return "{ name = \"%s\", type = sink, root-fs = \"%s\", clients = [ \"alpha\" ] }"
        .formatted(SINK, root);
  }

  private String sourceJob() {
    return """
        { name = "%s", type = source, clients = [ "beta", "gamma" ]
          filesystems { "%s" = true }
          snapshotting { type = periodic, prefix = "zfleet_", interval = 1h }
        }
        """
        .formatted(SOURCE, fs);
  }

  private static String pullJob(DatasetName root) {
    return """
        { name = "%s", type = pull, source = "%s", root-fs = "%s", interval = 2s
          pruning { keep-sender = [ { type = last-n, count = 10 } ], keep-receiver = [ { type = last-n, count = 10 } ] }
          replication { stall-timeout = 10s, retry-backoff { min = 1s, max = 2s } }
        }
        """
        .formatted(PULL, SOURCE, root);
  }

  private static String newest(DatasetName dataset) {
    List<String> all = snapshots(dataset);
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  private <T> T await(String what, DaemonNode node, Supplier<T> value) {
    return cluster.await(what, node, value);
  }
}
