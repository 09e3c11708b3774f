package org.zfleet.node.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.fault.FaultBench.PUSH;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
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
 * A soak: a daemon (push and sink in one node, so its snapshots, sends, receives and pruning all
 * run in the JVM that dies) killed with SIGKILL at a random moment of its cycles 20 times in a row
 * and restarted each time, snapshotting every 3 s while data keeps arriving. Then one cycle
 * converges: what the keep rules keep is on both sides, no hold is left but the cursors', no {@code
 * zfs} process is left, and the next cycle succeeds. The moments come from a fixed seed ({@code
 * -Dfaultsoak.seed=N} tries another).
 */
@Timeout(420)
class KillSoakIT {

  private static final int KILLS = 20;
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  @TempDir static Path certs;
  private FaultBench bench;

  @BeforeAll
  static void pools() {
    RealZfsFixture.requirePools();
  }

  @BeforeEach
  void bench(TestInfo test) throws IOException {
    bench = new FaultBench(certs, test, PATIENCE);
  }

  @AfterEach
  void cleanUp() {
    bench.close();
  }

  @Test
  void aDaemonKilledTwentyTimesAtRandomMomentsLosesNothing() {
    long seed = Long.getLong("faultsoak.seed", 11);
    Random random = new Random(seed);
    System.out.println("FAULT soak seed " + seed);
    DatasetName root = bench.source("Soak", 64 * 1024);
    DatasetName child = root.child("child");
    FaultPools.zfs("create", child.value());
    bench.filesystems.add(child);
    bench.sinkRoot(RealZfsFixture.POOL_2, "Soak-sink");
    int port = FaultNode.clusterPorts(1).get(0);
    String sink = bench.sinkJob("alpha");
    String filesystems = "\"" + root + "<\" = true";
    String bandwidth = ", bandwidth-limit = \"1 MiB/s\"";
    FaultNode alpha =
        bench.localNode("alpha", port, bench.pushJob(filesystems, "3s", bandwidth) + ", " + sink);

    Map<String, Integer> struck = new TreeMap<>();
    for (int kill = 1; kill <= KILLS; kill++) {
      FaultPools.write(
          bench.filesystems.get(kill % 2), "soak-" + kill + ".bin", 512 * 1024, seed + kill);
      int started = kill;
      bench.await(
          "start " + kill + " of the daemon",
          alpha,
          () -> startedCount(alpha) >= started ? true : null);
      FaultNode.sleep(Duration.ofMillis(random.nextInt(3000)));
      String running = running(alpha);
      alpha.kill();
      struck.merge(running, 1, Integer::sum);
      System.out.printf("FAULT soak kill %d struck while running: %s%n", kill, running);
      alpha.start();
    }
    System.out.println("FAULT soak kills by what was running: " + struck);

    // Converge with snapshots on wakeups only, so the target stands still.
    alpha.kill();
    FaultNode settled =
        bench.localNode("alpha", port, bench.pushJob(filesystems, "1h", bandwidth) + ", " + sink);
    long restarted = System.nanoTime();
    settled.wakeup(PUSH, PATIENCE);
    String converged = bench.awaitReplicated(settled, null);
    FaultBench.recovered("kill-soak", restarted);

    bench.assertKeptOnBothSides(bench.filesystems);
    for (DatasetName fs : bench.filesystems) {
      Map<String, Integer> held = FaultPools.holds(fs);
      String cursor = FaultPools.property(fs, FaultBench.CURSOR);
      Map<String, String> guids = FaultPools.guids(fs);
      List<String> order = FaultPools.snapshots(fs);
      String cursorSnapshot =
          order.stream().filter(n -> guids.get(n).equals(cursor)).findFirst().orElseThrow();
      // The cursor's hold, and at most one older snapshot's: the cursor the last cycle moved
      // from, whose hold the next cycle's prepare step releases. Nothing else.
      List<String> heldBesides =
          held.entrySet().stream()
              .filter(e -> e.getValue() > 0 && !e.getKey().equals(cursorSnapshot))
              .map(Map.Entry::getKey)
              .toList();
      assertThat(held.get(cursorSnapshot))
          .as("holds on the cursor %s@%s", fs, cursorSnapshot)
          .isEqualTo(1);
      assertThat(heldBesides)
          .as("held snapshots of %s besides the cursor %s", fs, cursorSnapshot)
          .hasSizeLessThanOrEqualTo(1)
          .allMatch(n -> order.indexOf(n) < order.indexOf(cursorSnapshot));
      heldBesides.forEach(n -> assertThat(held.get(n)).as("holds on %s@%s", fs, n).isEqualTo(1));
      assertThat(FaultPools.holds(bench.replica(fs)).values())
          .as("holds on the replica of %s", fs)
          .allMatch(h -> h == 0);
      assertThat(FaultPools.snapshots(bench.replica(fs)))
          .as("the receiver's snapshots of %s after pruning (keep-receiver last-n 10)", fs)
          .hasSizeLessThanOrEqualTo(10);
    }
    bench.assertNoZfsProcessLeft();

    FaultPools.write(root, "after.bin", 64 * 1024, 99);
    // Snapshot names go by the second: a wakeup in the second of the converged snapshot would
    // find its name taken and take none.
    FaultNode.sleep(Duration.ofMillis(1100));
    settled.wakeup(PUSH, PATIENCE);
    bench.awaitReplicated(settled, converged);
    bench.assertKeptOnBothSides(bench.filesystems);
    bench.assertNoZfsProcessLeft();
  }

  private static long startedCount(FaultNode node) {
    return node.logLines().stream().filter(l -> l.contains("daemon started")).count();
  }

  /** The kinds of step running now, as the daemon's status tells them ("none" if none). */
  private static String running(FaultNode node) {
    List<String> kinds = new ArrayList<>();
    node.status()
        .ifPresent(
            status ->
                StreamSupport.stream(status.path("jobs").spliterator(), false)
                    .flatMap(j -> StreamSupport.stream(j.path("filesystems").spliterator(), false))
                    .map(f -> f.path("running"))
                    .filter(r -> !r.isMissingNode() && !r.isNull())
                    .map((JsonNode r) -> r.path("kind").asText())
                    .sorted()
                    .forEach(kinds::add));
    return kinds.isEmpty() ? "none" : String.join("+", kinds);
  }
}
