package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.remote.PoolCommands.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.node.dataplane.DataPlaneClient;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.node.tls.TlsContexts;
import org.zfleet.transfer.FakeSendProcess;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.RealZfsFixture;

/**
 * Push jobs and sinks on different nodes of a real cluster: every node is a {@code zfleet daemon}
 * JVM on 127.0.0.1 with Artery and the data plane over mutual TLS, senders on pool zfleet_t1 and
 * sinks on zfleet_t2 (zfs-fuse). Node configurations and logs are kept under {@code
 * target/remote-it/<test>-<id>/<node>/} (named in failure messages).
 */
@Timeout(150)
class RemoteReplicationIT {

  private static final String PUSH = "push";
  private static final Duration REPLICATED = Duration.ofSeconds(60);
  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(5);

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
      releaseHolds(source, PUSH, List.of("sink-beta", "sink-gamma"));
    }
    fixture.destroyAll();
  }

  // ---- scenarios

  @Test
  void pushOnOneNodeReplicatesNestedFilesystemsToASinkOnAnotherFullThenIncremental()
      throws Exception {
    sourceTree(64 * 1024);
    DatasetName sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "RemoteIT-sink");
    List<Integer> ports = DaemonNode.clusterPorts(2);
    DaemonNode alpha = node("alpha", ports.get(0), ports.get(0), pushJob(List.of("sink-beta"), ""));
    DaemonNode beta =
        node("beta", ports.get(1), ports.get(0), sinkJob("sink-beta", sinkRoot, "alpha"));

    alpha.wakeup(PUSH, Duration.ofSeconds(60));
    String s1 = awaitReplicated(alpha, sinkRoot, "sink-beta", null);
    assertSameFiles(sinkRoot);
    // Children of a replicated parent wait for it on a first replication (logged as waits, at
    // info level) instead of sending into a parent that is not there yet.
    assertThat(alpha.logLines())
        .as("failed replication steps on a first replication of a nested tree")
        .noneMatch(line -> line.contains("step failed") && line.contains("step=replicate"));

    // The daemon's first periodic snapshot and the wakeup's may both have gone: the replicas have
    // whatever the sender had up to s1.
    List<List<String>> afterFirst =
        filesystems.stream().map(fs -> snapshots(replica(sinkRoot, "alpha", fs))).toList();

    write(filesystems.get(2), "doc.bin", 32 * 1024, 7);
    write(filesystems.get(0), "second.bin", 1024, 8);
    alpha.wakeup(PUSH, Duration.ofSeconds(10));
    String s2 = awaitReplicated(alpha, sinkRoot, "sink-beta", s1);

    assertSameFiles(sinkRoot);
    for (int i = 0; i < filesystems.size(); i++) {
      DatasetName fs = filesystems.get(i);
      assertThat(afterFirst.get(i))
          .as("snapshots of the replica of %s after the first replication", fs)
          .endsWith(s1);
      // The receiver still has s1 and what came before: s2 came as an increment on top of it.
      List<String> expected = new ArrayList<>(afterFirst.get(i));
      expected.add(s2);
      assertThat(snapshots(replica(sinkRoot, "alpha", fs)))
          .as("snapshots of the replica of %s", fs)
          .containsExactlyElementsOf(expected);
    }
    assertThat(beta.logLines())
        .noneMatch(line -> line.contains("refused sink=") || line.contains("data plane: refused"));
  }

  @Test
  void fanOutReachesEverySinkAndAnAbsentSinkHoldsUpNoneButKeepsItsCursor() throws Exception {
    sourceTree(16 * 1024);
    DatasetName sinkB = fixture.scratch(RealZfsFixture.POOL_2, "RemoteIT-b");
    DatasetName sinkC = fixture.scratch(RealZfsFixture.POOL_2, "RemoteIT-c");
    List<Integer> ports = DaemonNode.clusterPorts(3);
    DaemonNode alpha =
        node("alpha", ports.get(0), ports.get(0), pushJob(List.of("sink-beta", "sink-gamma"), ""));
    node("beta", ports.get(1), ports.get(0), sinkJob("sink-beta", sinkB, "alpha"));
    DaemonNode gamma =
        node("gamma", ports.get(2), ports.get(0), sinkJob("sink-gamma", sinkC, "alpha"));

    alpha.wakeup(PUSH, Duration.ofSeconds(60));
    String s1 = awaitReplicated(alpha, sinkB, "sink-beta", null);
    assertThat(awaitReplicated(alpha, sinkC, "sink-gamma", null)).isEqualTo(s1);
    assertSameFiles(sinkB);
    assertSameFiles(sinkC);
    List<List<String>> onGamma =
        filesystems.stream().map(fs -> snapshots(replica(sinkC, "alpha", fs))).toList();

    gamma.kill();
    write(filesystems.get(1), "more.bin", 8 * 1024, 9);
    alpha.wakeup(PUSH, Duration.ofSeconds(10));
    String s2 = awaitReplicated(alpha, sinkB, "sink-beta", s1);
    alpha.wakeup(PUSH, Duration.ofSeconds(10));
    String s3 = awaitReplicated(alpha, sinkB, "sink-beta", s2);

    assertSameFiles(sinkB);
    for (int i = 0; i < filesystems.size(); i++) {
      DatasetName fs = filesystems.get(i);
      assertThat(onGamma.get(i)).as("gamma's replica of %s", fs).endsWith(s1);
      assertThat(snapshots(replica(sinkC, "alpha", fs)))
          .as("gamma kept what it had")
          .isEqualTo(onGamma.get(i));
      JsonNode toGamma =
          await(
              "a failed replication to sink-gamma of " + fs,
              alpha,
              () ->
                  alpha
                      .outcome(PUSH, fs.value(), "REPLICATE", "sink-gamma")
                      .filter(o -> !o.path("ok").asBoolean())
                      .orElse(null));
      assertThat(toGamma.path("summary").asText())
          .as("status of %s", fs)
          .startsWith("waiting for sink sink-gamma: ");
      // keep-sender is last-n 1: s2 went, s1 stays for gamma (its cursor), s3 for both.
      await(
          "sender pruning of " + fs + " after s3",
          alpha,
          () -> snapshots(fs).equals(List.of(s1, s3)) ? true : null);
      assertThat(userProperty(fs, "zfleet:cursor.push.sink-gamma")).isEqualTo(guid(fs, s1));
    }
  }

  @Test
  void aNodeThatIsNotAClientOfTheSinkIsRefusedAndNothingIsWritten() throws Exception {
    sourceTree(4 * 1024);
    DatasetName sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "RemoteIT-refuse");
    List<Integer> ports = DaemonNode.clusterPorts(2);
    DaemonNode alpha = node("alpha", ports.get(0), ports.get(0), pushJob(List.of("sink-beta"), ""));
    DaemonNode beta =
        node("beta", ports.get(1), ports.get(0), sinkJob("sink-beta", sinkRoot, "gamma"));

    alpha.wakeup(PUSH, Duration.ofSeconds(60));

    JsonNode refused =
        await(
            "alpha's replication refused",
            alpha,
            () ->
                alpha
                    .outcome(PUSH, source.value(), "REPLICATE", "sink-beta")
                    .filter(o -> o.path("summary").asText().contains("refused"))
                    .orElse(null));
    assertThat(refused.path("ok").asBoolean()).isFalse();
    assertThat(refused.path("summary").asText())
        .isEqualTo(
            "sink sink-beta: refused alpha access to \""
                + sinkRoot
                + "/alpha\": not a client of sink sink-beta");
    assertThat(beta.logLines())
        .anyMatch(
            line ->
                line.contains(
                    "refused sink=sink-beta identity=alpha dataset=\""
                        + sinkRoot
                        + "/alpha\" reason=\"not a client of sink sink-beta\""));

    // Straight to the data plane with alpha's certificate: refused there too, before any receive.
    ActorTestKit kit = ActorTestKit.create("RemoteReplicationIT");
    try {
      DataPlaneClient client =
          new DataPlaneClient(
              TlsContexts.load(
                  certs.resolve("ca.crt"), certs.resolve("alpha.crt"), certs.resolve("alpha.key")),
              kit.system());
      TransferHeader header = TransferHeader.receive("sink-beta", sinkRoot.child("alpha/x"), "");
      Throwable failure =
          client
              .send(
                  new PeerAddress(NodeIdentity.of("beta"), "127.0.0.1", beta.dataPlanePort()),
                  header,
                  FakeSendProcess.of(4096, 1),
                  TransferOptions.defaults(),
                  ProgressListener.NONE)
              .result()
              .toCompletableFuture()
              .handle((r, e) -> e)
              .get(30, TimeUnit.SECONDS);
      assertThat(failure).isInstanceOf(TransferFailedException.class);
      assertThat(((TransferFailedException) failure).reason())
          .isEqualTo(TransferFailedException.Reason.REFUSED);
      assertThat(failure.getMessage()).contains("not a client of sink sink-beta");
    } finally {
      kit.shutdownTestKit();
    }
    await(
        "beta logs the data plane refusal",
        beta,
        () ->
            beta.logLines().stream()
                .filter(
                    l ->
                        l.contains(
                            "data plane: refused peer=alpha job=sink-beta target="
                                + sinkRoot
                                + "/alpha/x"))
                .findFirst()
                .orElse(null));
    assertThat(datasetsUnder(sinkRoot))
        .as("nothing written on the sink")
        .containsExactly(sinkRoot.value());
  }

  @Test
  void
      killingTheReceivingNodeMidTransferFailsTheStepInTimeAndTheNextCycleAfterItsReturnLosesNothing()
          throws Exception {
    source = fixture.scratch(RealZfsFixture.POOL_1, "RemoteIT-kill");
    filesystems.add(source);
    write(source, "big.bin", 24 * 1024 * 1024, 3);
    DatasetName sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "RemoteIT-killsink");
    List<Integer> ports = DaemonNode.clusterPorts(2);
    DaemonNode alpha =
        node(
            "alpha",
            ports.get(0),
            ports.get(0),
            pushJob(List.of("sink-beta"), ", bandwidth-limit = \"4 MiB/s\""));
    DaemonNode beta =
        node("beta", ports.get(1), ports.get(0), sinkJob("sink-beta", sinkRoot, "alpha"));

    alpha.wakeup(PUSH, Duration.ofSeconds(60));
    await(
        "alpha sends to beta",
        alpha,
        () ->
            alpha
                .running(PUSH, source.value())
                .filter(
                    r ->
                        r.path("kind").asText().equals("REPLICATE")
                            && r.path("bytes").asLong() > 2 * 1024 * 1024)
                .orElse(null));

    // On beta the receive is a step of beta's, listed with its peer.
    JsonNode incoming =
        await(
            "beta lists the incoming transfer",
            beta,
            () ->
                beta.status()
                    .map(st -> st.path("peerTransfers"))
                    .filter(t -> t.size() > 0)
                    .orElse(null));
    assertThat(incoming.get(0).path("direction").asText()).isEqualTo("incoming");
    assertThat(incoming.get(0).path("peer").asText()).isEqualTo("alpha");
    assertThat(incoming.get(0).path("job").asText()).isEqualTo("sink-beta");

    Instant killedAt = Instant.now();
    long killed = System.nanoTime();
    beta.kill();
    // The status keeps each step's last outcome: a failure from before the kill (beta had not
    // joined yet when the job first listed) is not the one looked for.
    JsonNode failed =
        await(
            "the replicate step failed",
            alpha,
            () ->
                alpha
                    .outcome(PUSH, source.value(), "REPLICATE", "sink-beta")
                    .filter(
                        o ->
                            !o.path("ok").asBoolean()
                                && Instant.parse(o.path("at").asText()).isAfter(killedAt))
                    .orElse(null));
    Duration took = Duration.ofNanos(System.nanoTime() - killed);
    System.out.println(
        "replicate step failed "
            + took.toMillis()
            + " ms after the sink's JVM was killed: "
            + failed.path("summary").asText());
    // Within the stall timeout, one watchdog check and the time status polling takes.
    assertThat(took)
        .as("failed after %s: %s", took, failed)
        .isLessThan(STALL_TIMEOUT.plusSeconds(1 + 4));
    assertThat(snapshots(replica(sinkRoot, "alpha", source)))
        .as("no partial replica is left")
        .isEmpty();

    beta.start();
    String s1 = awaitReplicated(alpha, sinkRoot, "sink-beta", null);
    assertSameFiles(sinkRoot);
    await(
        "sender pruning after " + s1,
        alpha,
        () -> snapshots(source).equals(List.of(s1)) ? true : null);
  }

  // ---- nodes and jobs

  private DaemonNode node(String name, int port, int seedPort, String jobs) {
    return cluster.start(name, port, seedPort, jobs);
  }

  private String pushJob(List<String> sinks, String replication) {
    return """
        { name = "%s", type = push, sinks = [ %s ]
          filesystems { "%s<" = true }
          snapshotting { type = periodic, prefix = "zfleet_", interval = 1h }
          pruning { keep-sender = [ { type = last-n, count = 1 } ], keep-receiver = [ { type = last-n, count = 10 } ] }
          replication { stall-timeout = %ds, retry-backoff { min = 1s, max = 2s }%s }
        }
        """
        .formatted(
            PUSH,
            String.join(", ", sinks.stream().map(s -> "\"" + s + "\"").toList()),
            source,
            STALL_TIMEOUT.toSeconds(),
            replication);
  }

  private static String sinkJob(String name, DatasetName root, String client) {
    return "{ name = \"%s\", type = sink, root-fs = \"%s\", clients = [ \"%s\" ] }"
        .formatted(name, root, client);
  }

  /** The source root, a child and a grandchild with a space in its name, each with a file. */
  private void sourceTree(int size) {
    source = fixture.scratch(RealZfsFixture.POOL_1, "RemoteIT");
    filesystems.addAll(tree(source, size));
  }

  /**
   * Waits until the sender's newest snapshot, other than {@code after}, is on the replicas of all
   * source filesystems on {@code sinkRoot} and the push's status says so; returns its name.
   */
  private String awaitReplicated(
      DaemonNode pusher, DatasetName sinkRoot, String sink, String after) {
    return await(
        "a snapshot after " + after + " on " + sink,
        pusher,
        () -> {
          List<String> sent = snapshots(source);
          if (sent.isEmpty() || sent.get(sent.size() - 1).equals(after)) {
            return null;
          }
          String newest = sent.get(sent.size() - 1);
          boolean everywhere =
              filesystems.stream()
                  .allMatch(fs -> snapshots(replica(sinkRoot, pusher.name, fs)).contains(newest));
          // "now at @<newest>", or "up to date" after a retry that found nothing left to send.
          boolean ok =
              filesystems.stream()
                  .allMatch(
                      fs ->
                          pusher
                              .outcome(PUSH, fs.value(), "REPLICATE", sink)
                              .filter(o -> o.path("ok").asBoolean())
                              .isPresent());
          return everywhere && ok ? newest : null;
        });
  }

  private <T> T await(String what, DaemonNode node, Supplier<T> value) {
    return cluster.await(what, node, value);
  }

  // ---- what is on the pools

  private static DatasetName replica(DatasetName sinkRoot, String client, DatasetName fs) {
    return sinkRoot.child(client).child(fs.value());
  }

  private void assertSameFiles(DatasetName sinkRoot) throws Exception {
    for (DatasetName fs : filesystems) {
      DatasetName replica = replica(sinkRoot, "alpha", fs);
      for (String file : files(fs)) {
        byte[] sent = RealZfsFixture.readFile(fs, file).orElseThrow();
        byte[] received = readMounted(replica, file);
        assertThat(sha256(received)).as("%s of %s", file, fs).isEqualTo(sha256(sent));
      }
    }
  }

  /**
   * Reads a file of a replica's newest snapshot through a clone of it: zfs-fuse mounts replicas as
   * they arrive, and a child mounted before its parent keeps the parent from mounting (the data is
   * complete either way), so the replica's own mountpoint cannot be relied on.
   */
  private static byte[] readMounted(DatasetName replica, String file) {
    String[] snapshots =
        zfs(
                "list",
                "-H",
                "-t",
                "snapshot",
                "-o",
                "name",
                "-s",
                "createtxg",
                "-d",
                "1",
                replica.value())
            .strip()
            .split("\n");
    String newest = snapshots[snapshots.length - 1].strip();
    DatasetName clone =
        DatasetName.of(replica.pool() + "/verify-" + Long.toHexString(System.nanoTime()));
    zfs("clone", newest, clone.value());
    try {
      return RealZfsFixture.readFile(clone, file)
          .orElseThrow(() -> new AssertionError(file + " missing in " + newest));
    } finally {
      destroyClone(clone);
    }
  }
}
