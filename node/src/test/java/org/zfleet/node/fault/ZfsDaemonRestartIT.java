package org.zfleet.node.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.fault.FaultBench.PUSH;
import static org.zfleet.node.fault.FaultBench.SINK;

import java.io.IOException;
import java.nio.file.Files;
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
import org.zfleet.zfs.RealZfsFixture;

/**
 * The zfs-fuse daemon restarted while a snapshot stream runs from node alpha to node beta ({@code
 * deploy/zfs-fuse.sh restart}): every {@code zfs} command of both nodes fails meanwhile, the new
 * daemon re-imports the pools and mounts nothing of the test's. The transfer fails, the replica
 * stays at its base, and once the pools answer again the next retry sends the increment.
 *
 * <p>Restarting zfs-fuse breaks every other test on the machine's daemon: run this class alone (as
 * CI does, on a machine of its own): {@code mvn -B -pl node -am verify -Dit.test=ZfsDaemonRestartIT
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Timeout(300)
class ZfsDaemonRestartIT {

  private static final Duration PATIENCE = Duration.ofSeconds(120);

  @TempDir static Path certs;
  private FaultBench bench;

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
    bench.close();
  }

  @Test
  void zfsDaemonRestartedDuringATransfer() throws Exception {
    DatasetName source = bench.source("Restart", 256 * 1024);
    bench.sinkRoot(RealZfsFixture.POOL_2, "Restart-sink");
    List<Integer> ports = FaultNode.clusterPorts(2);
    String push =
        bench.pushJob("\"" + source + "\" = true", "1h", ", bandwidth-limit = \"2 MiB/s\"");
    FaultNode alpha = bench.node("alpha", ports.get(0), ports.get(0), "", push);
    bench.node("beta", ports.get(1), ports.get(0), "", bench.sinkJob("alpha"));
    alpha.wakeup(PUSH, PATIENCE);
    String base = bench.awaitReplicated(alpha, null);
    String baseGuid = FaultPools.guids(source).get(base);

    FaultPools.write(source, "big.bin", 40 * 1024 * 1024, 2);
    alpha.wakeup(PUSH, PATIENCE);
    String s2 =
        bench.await(
            "the snapshot after " + base,
            alpha,
            () -> {
              List<String> snapshots = FaultPools.snapshots(source);
              String newest = snapshots.get(snapshots.size() - 1);
              return newest.equals(base) ? null : newest;
            });
    bench.awaitSending(alpha, source, 3 * 1024 * 1024);

    long restarting = System.nanoTime();
    restartZfsFuse();
    System.out.printf(
        "FAULT zfs-fuse-restart: pools answer again %d ms after the restart began%n",
        Duration.ofNanos(System.nanoTime() - restarting).toMillis());
    // The restarted daemon mounts nothing: leave the test's datasets so (the script mounted all).
    unmount(bench.replica(source));
    unmount(bench.sinkRoot);
    unmount(source);

    long back = System.nanoTime();
    String arrived = bench.awaitReplicated(alpha, base);
    // The restart hit the transfer (2 MiB/s: it had 18 s or more to go), which failed and was
    // retried, rather than finishing before zfs-fuse went down.
    long failures =
        Files.readAllLines(alpha.log).stream()
            .filter(l -> l.contains("step failed") && l.contains(source.value()))
            .count();
    assertThat(failures).as("failed steps of %s in alpha's log", source).isPositive();
    FaultBench.recovered("zfs-fuse-restart", back);
    assertThat(arrived).isEqualTo(s2);
    System.out.println(
        "FAULT zfs-fuse-restart: last outcome "
            + alpha.outcome(PUSH, source.value(), "REPLICATE", SINK).orElse(null));
    bench.assertBaseKept(source, base, baseGuid);
    bench.assertKeptOnBothSides(bench.filesystems);
    bench.assertNoZfsProcessLeft();

    // The operator mounts the source again; the next cycle replicates new data.
    FaultPools.zfs("mount", source.value());
    FaultPools.write(source, "after.bin", 64 * 1024, 3);
    alpha.wakeup(PUSH, PATIENCE);
    bench.awaitReplicated(alpha, s2);
    bench.assertKeptOnBothSides(bench.filesystems);
    bench.assertNoZfsProcessLeft();
  }

  private static void unmount(DatasetName fs) {
    FaultPools.run("unmount", "-f", fs.value());
  }

  /** {@code deploy/zfs-fuse.sh restart} for the test pools; returns once both pools answer. */
  private static void restartZfsFuse() throws IOException, InterruptedException {
    Path script = projectRoot().resolve("deploy/zfs-fuse.sh");
    List<String> command = new ArrayList<>(List.of("bash", script.toString(), "restart"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ZFLEET_POOLS", RealZfsFixture.POOL_1 + " " + RealZfsFixture.POOL_2);
    Path images =
        Path.of(
                RealZfsFixture.run(List.of("zpool", "status", RealZfsFixture.POOL_1))
                    .output()
                    .lines()
                    .map(String::strip)
                    .map(l -> l.split("\\s+")[0])
                    .filter(w -> w.startsWith("/"))
                    .findFirst()
                    .orElse("/var/tmp/zfleet/pools/x.img"))
            .getParent();
    // The script keeps its images under <dir>/pools.
    builder.environment().put("ZFLEET_POOL_DIR", images.getParent().toString());
    Process restart = builder.start();
    restart.getOutputStream().close();
    String output = new String(restart.getInputStream().readAllBytes());
    restart.waitFor();
    System.out.println("zfs-fuse.sh restart: " + output.strip());
    assertThat(restart.exitValue()).as("zfs-fuse.sh restart: %s", output).isZero();
    RealZfsFixture.requirePools();
  }

  private static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("deploy/zfs-fuse.sh"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new AssertionError(
          "deploy/zfs-fuse.sh not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
