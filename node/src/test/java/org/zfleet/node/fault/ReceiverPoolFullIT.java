package org.zfleet.node.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.fault.FaultBench.PUSH;
import static org.zfleet.node.fault.FaultBench.SINK;

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
 * A receiver pool that fills up: the sink of node beta lives on a 64 MiB pool of the test's own; of
 * two filesystems pushed by node alpha one grows beyond it. Its replication fails with an
 * out-of-space error in alpha's status, the other filesystem goes on replicating, and the sender
 * keeps every snapshot the receiver has not got. When the pool grows (a second vdev, as an operator
 * would add one) the next retry sends them all.
 */
@Timeout(240)
class ReceiverPoolFullIT {

  private static final Duration PATIENCE = Duration.ofSeconds(90);

  @TempDir static Path certs;
  private FaultBench bench;
  private String pool;

  @BeforeAll
  static void certificatesAndPools() {
    RealZfsFixture.requirePools();
    FaultBench.createCertificates(certs);
  }

  @BeforeEach
  void bench(TestInfo test) throws IOException {
    bench = new FaultBench(certs, test, PATIENCE);
    pool = FaultPools.smallPool("64M");
  }

  @AfterEach
  void cleanUp() {
    try {
      bench.close();
    } finally {
      // The pool grew during the test: destroy it, the next run makes a 64 MiB one again.
      FaultPools.destroyPool(pool);
    }
  }

  @Test
  void aFullReceiverPoolFailsOneFilesystemClearlyAndTheOthersGoOn() {
    DatasetName root = bench.source("Full", 16 * 1024);
    DatasetName small = root.child("small");
    DatasetName big = root.child("big");
    FaultPools.zfs("create", small.value());
    FaultPools.zfs("create", big.value());
    bench.filesystems.add(small);
    bench.filesystems.add(big);
    FaultPools.write(small, "a.bin", 16 * 1024, 2);
    FaultPools.write(big, "a.bin", 16 * 1024, 3);
    bench.sinkRoot(pool, "Full-sink");
    List<Integer> ports = FaultNode.clusterPorts(2);
    FaultNode alpha =
        bench.node(
            "alpha",
            ports.get(0),
            ports.get(0),
            "",
            bench.pushJob("\"" + root + "<\" = true", "1h", ""));
    bench.node("beta", ports.get(1), ports.get(0), "", bench.sinkJob("alpha"));
    alpha.wakeup(PUSH, PATIENCE);
    String s1 = bench.awaitReplicated(alpha, null);
    String bigBase = FaultPools.guids(big).get(s1);

    // 80 MiB of random data cannot fit in a 64 MiB pool.
    FaultPools.write(big, "b.bin", 80 * 1024 * 1024, 4);
    FaultPools.write(small, "b.bin", 64 * 1024, 5);
    alpha.wakeup(PUSH, PATIENCE);
    String s2 = bench.awaitReplicated(alpha, s1, List.of(root, small), PATIENCE);
    JsonNode full = awaitFailed(alpha, big, s2);
    String summary = full.path("summary").asText();
    System.out.println("FAULT receiver-pool-full: status of " + big + ": " + summary);
    assertThat(summary.toLowerCase()).as("the failure in alpha's status").contains("space");

    // The other filesystems keep replicating while the big one keeps failing.
    FaultPools.write(small, "c.bin", 64 * 1024, 6);
    alpha.wakeup(PUSH, PATIENCE);
    String s3 = bench.awaitReplicated(alpha, s2, List.of(root, small), PATIENCE);
    awaitFailed(alpha, big, s3);
    assertThat(FaultPools.snapshots(big))
        .as("the sender keeps every snapshot the receiver has not got, and the base")
        .containsSubsequence(s1, s2, s3);
    assertThat(FaultPools.snapshots(bench.replica(big))).endsWith(s1).doesNotContain(s2, s3);
    bench.assertBaseKept(big, s1, bigBase);
    assertThat(FaultPools.property(big, FaultBench.CURSOR)).isEqualTo(bigBase);
    bench.assertKeptOnBothSides(List.of(root, small));
    bench.assertNoZfsProcessLeft();

    // The operator adds space: the next retry sends what the sender kept.
    FaultPools.growPool(pool, "256M");
    long grown = System.nanoTime();
    bench.awaitReplicated(alpha, s2, bench.filesystems, PATIENCE);
    FaultBench.recovered("receiver-pool-full", grown);
    assertThat(FaultPools.snapshots(bench.replica(big))).contains(s1, s3);
    bench.assertKeptOnBothSides(bench.filesystems);
    bench.assertNoZfsProcessLeft();

    FaultPools.write(big, "c.bin", 64 * 1024, 7);
    alpha.wakeup(PUSH, PATIENCE);
    bench.awaitReplicated(alpha, s3);
    bench.assertKeptOnBothSides(bench.filesystems);
    bench.assertNoZfsProcessLeft();
  }

  /** big's replication has failed since {@code snapshot} was taken (its step ran after it). */
  private JsonNode awaitFailed(FaultNode alpha, DatasetName big, String snapshot) {
    return bench.await(
        "the replication of " + big + " failed after " + snapshot,
        alpha,
        () ->
            alpha
                .outcome(PUSH, big.value(), "REPLICATE", SINK)
                .filter(o -> !o.path("ok").asBoolean())
                .filter(o -> o.path("summary").asText().toLowerCase().contains("space"))
                .filter(
                    o ->
                        Instant.parse(o.path("at").asText())
                            .isAfter(FaultPools.created(big, snapshot)))
                .orElse(null));
  }
}
