package org.zfleet.node.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.fault.FaultBench.PUSH;
import static org.zfleet.node.fault.FaultBench.SINK;
import static org.zfleet.node.fault.FaultBench.STALL_TIMEOUT;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * Faults that strike while a snapshot stream runs from node alpha (push) to node beta (sink), each
 * node a daemon JVM over mutual TLS on zfs-fuse: either node killed with SIGKILL, the receiver
 * frozen with SIGSTOP, the network between them cut, the stream corrupted in transit (the last two
 * through a relay of the test's own that beta advertises as its data plane). A first replication
 * makes an incremental base; then 40 MiB go at 8 MiB/s (about five seconds) and the fault strikes
 * after 3 MiB. Each test then checks that the replica did not move, the base is on both sides, no
 * {@code zfs} process is left, the increment arrives after recovery (timed, printed as {@code FAULT
 * <name> recovered in <s> s}), and the next cycle succeeds.
 */
@Timeout(240)
class MidTransferFaultIT {

  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final int BIG = 40 * 1024 * 1024;

  /** The stall timeout, one watchdog check, the reply's way back and the status polling. */
  private static final Duration FAILS_WITHIN = STALL_TIMEOUT.plusSeconds(6);

  @TempDir static Path certs;
  private FaultBench bench;
  private TcpRelay relay;
  private FaultNode alpha;
  private FaultNode beta;
  private String base;
  private String baseGuid;

  @BeforeAll
  static void certificatesAndPools() {
    RealZfsFixture.requirePools();
    FaultBench.createCertificates(certs);
  }

  @BeforeEach
  void bench(TestInfo test) throws IOException {
    bench = new FaultBench(certs, test, PATIENCE);
  }

  @AfterEach
  void cleanUp() {
    if (relay != null) {
      relay.close();
    }
    bench.close();
  }

  @Test
  void sendingNodeKilledMidTransfer() {
    // The sink's node is the seed with the lower address, so the split brain resolver keeps it
    // while the sender is gone.
    startNodes(false, false);
    String s2 = sendTheBigIncrement();

    long killed = System.nanoTime();
    alpha.kill();
    assertReplicaDidNotMove(s2);
    // beta's receive sees the connection end without the end marker and is killed; alpha's
    // orphaned send dies of its broken pipe.
    bench.assertNoZfsProcessLeft();
    System.out.printf(
        "FAULT kill-sender: nothing left running %d ms after the kill%n",
        Duration.ofNanos(System.nanoTime() - killed).toMillis());

    long restarted = System.nanoTime();
    alpha.start();
    assertRecovered("kill-sender", restarted, s2);
  }

  @Test
  void receivingNodeKilledMidTransfer() {
    startNodes(true, false);
    String s2 = sendTheBigIncrement();

    Instant killedAt = Instant.now();
    long killed = System.nanoTime();
    beta.kill();
    JsonNode failed = awaitFailedSince(killedAt, FAILS_WITHIN);
    System.out.printf(
        "FAULT kill-receiver: step failed %d ms after the kill: %s%n",
        Duration.ofNanos(System.nanoTime() - killed).toMillis(), failed.path("summary").asText());
    assertReplicaDidNotMove(s2);
    bench.assertNoZfsProcessLeft();

    long restarted = System.nanoTime();
    beta.start();
    assertRecovered("kill-receiver", restarted, s2);
  }

  @Test
  void receivingNodeFrozenMidTransfer() {
    startNodes(true, false);
    String s2 = sendTheBigIncrement();

    Instant frozenAt = Instant.now();
    long frozen = System.nanoTime();
    beta.freeze();
    JsonNode failed;
    try {
      failed = awaitFailedSince(frozenAt, FAILS_WITHIN);
    } catch (AssertionError e) {
      beta.thaw();
      throw e;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - frozen);
    System.out.printf(
        "FAULT freeze-receiver: step failed %d ms after SIGSTOP (stall timeout %d s): %s%n",
        took.toMillis(), STALL_TIMEOUT.toSeconds(), failed.path("summary").asText());
    assertThat(took).as("the step failed after %s", took).isLessThan(FAILS_WITHIN);
    assertReplicaDidNotMove(s2);

    long thawed = System.nanoTime();
    beta.thaw();
    assertRecovered("freeze-receiver", thawed, s2);
  }

  @Test
  void networkCutMidTransferAndRestored() {
    startNodes(true, true);
    String s2 = sendTheBigIncrement();

    Instant cutAt = Instant.now();
    long cut = System.nanoTime();
    relay.mode(TcpRelay.Mode.CUT);
    JsonNode failed = awaitFailedSince(cutAt, FAILS_WITHIN);
    System.out.printf(
        "FAULT network-cut: step failed %d ms after the cut: %s%n",
        Duration.ofNanos(System.nanoTime() - cut).toMillis(), failed.path("summary").asText());
    assertReplicaDidNotMove(s2);

    long restored = System.nanoTime();
    relay.mode(TcpRelay.Mode.FORWARD);
    assertRecovered("network-cut", restored, s2);
  }

  @Test
  void streamCorruptedInTransit() {
    startNodes(true, true);
    relay.mode(TcpRelay.Mode.CORRUPT);
    Instant corruptFrom = Instant.now();
    String s2 = startTheBigIncrement();

    JsonNode failed = awaitFailedSince(corruptFrom, PATIENCE);
    assertThat(relay.flipped()).as("bytes flipped in transit").isPositive();
    System.out.printf(
        "FAULT corrupt-stream: step failed after %d flipped bytes: %s%n",
        relay.flipped(), failed.path("summary").asText());
    assertReplicaDidNotMove(s2);
    bench.await(
        "beta names the stream changed in transit",
        beta,
        () ->
            beta.logLines().stream()
                .filter(l -> l.contains("failed TLS's integrity check (changed in transit)"))
                .findFirst()
                .orElse(null));

    long clean = System.nanoTime();
    relay.mode(TcpRelay.Mode.FORWARD);
    assertRecovered("corrupt-stream", clean, s2);
  }

  // ---- the common course of a fault

  /**
   * Starts alpha (push) and beta (sink) and replicates a first snapshot, the base the increment
   * builds on. {@code senderIsSeed}: alpha has the lower address (it survives beta's loss). {@code
   * relayed}: beta advertises a relay of the test's own as its data plane.
   */
  private void startNodes(boolean senderIsSeed, boolean relayed) {
    DatasetName source = bench.source("Fault", 256 * 1024);
    bench.sinkRoot(RealZfsFixture.POOL_2, "Fault-sink");
    List<Integer> ports = FaultNode.clusterPorts(2);
    int alphaPort = senderIsSeed ? ports.get(0) : ports.get(1);
    int betaPort = senderIsSeed ? ports.get(1) : ports.get(0);
    String betaExtra = "";
    if (relayed) {
      try {
        relay = new TcpRelay(betaPort + 2000);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      betaExtra = "data-plane { advertise = \"127.0.0.1:" + relay.port() + "\" }";
    }
    String push =
        bench.pushJob("\"" + source + "\" = true", "1h", ", bandwidth-limit = \"8 MiB/s\"");
    if (senderIsSeed) {
      alpha = bench.node("alpha", alphaPort, alphaPort, "", push);
      beta = bench.node("beta", betaPort, alphaPort, betaExtra, bench.sinkJob("alpha"));
    } else {
      beta = bench.node("beta", betaPort, betaPort, betaExtra, bench.sinkJob("alpha"));
      alpha = bench.node("alpha", alphaPort, betaPort, "", push);
    }
    alpha.wakeup(PUSH, PATIENCE);
    base = bench.awaitReplicated(alpha, null);
    baseGuid = FaultPools.guids(source).get(base);
  }

  private String sendTheBigIncrement() {
    String s2 = startTheBigIncrement();
    bench.awaitSending(alpha, bench.source, 3 * 1024 * 1024);
    return s2;
  }

  /** Writes 40 MiB and wakes the job; returns the snapshot it took. */
  private String startTheBigIncrement() {
    FaultPools.write(bench.source, "big.bin", BIG, 2);
    alpha.wakeup(PUSH, PATIENCE);
    return bench.await(
        "the snapshot after " + base,
        alpha,
        () -> {
          List<String> snapshots = FaultPools.snapshots(bench.source);
          String newest = snapshots.get(snapshots.size() - 1);
          return newest.equals(base) ? null : newest;
        });
  }

  /** The replication's failure after {@code since}, as alpha's status tells it. */
  private JsonNode awaitFailedSince(Instant since, Duration within) {
    return bench.await(
        "alpha's replication failed",
        alpha,
        within,
        () ->
            alpha
                .outcome(PUSH, bench.source.value(), "REPLICATE", SINK)
                .filter(
                    o ->
                        !o.path("ok").asBoolean()
                            && Instant.parse(o.path("at").asText()).isAfter(since))
                .orElse(null));
  }

  /** No truncated commit: the replica is at the base still, and the base is on both sides. */
  private void assertReplicaDidNotMove(String s2) {
    assertThat(FaultPools.snapshots(bench.replica(bench.source)))
        .as("the replica after the fault")
        .endsWith(base)
        .doesNotContain(s2);
    bench.assertBaseKept(bench.source, base, baseGuid);
  }

  /**
   * After the fault ended at {@code since}: the increment arrives (timed) on top of the base, what
   * the rules keep is on both sides, no zfs process is left, and the next cycle succeeds.
   */
  private void assertRecovered(String fault, long since, String s2) {
    String arrived = bench.awaitReplicated(alpha, base);
    FaultBench.recovered(fault, since);
    assertThat(arrived).isEqualTo(s2);
    bench.assertBaseKept(bench.source, base, baseGuid);
    bench.assertKeptOnBothSides(bench.filesystems);
    bench.assertNoZfsProcessLeft();

    FaultPools.write(bench.source, "after.bin", 64 * 1024, 3);
    alpha.wakeup(PUSH, PATIENCE);
    String s3 = bench.awaitReplicated(alpha, s2);
    bench.assertKeptOnBothSides(bench.filesystems);
    assertThat(FaultPools.snapshots(bench.replica(bench.source))).contains(base, s2, s3);
    bench.assertNoZfsProcessLeft();
  }
}
