package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.zfs.RealZfsFixture;

/**
 * {@code zfleet daemon} as its own JVM, stopped by SIGTERM while a snap job's hook hangs in a child
 * process: the JVM exits promptly and leaves no process of the job behind.
 */
@Timeout(120)
class DaemonShutdownIT {

  private final RealZfsFixture fixture = new RealZfsFixture();
  @TempDir Path dir;
  private Process daemon;

  @BeforeAll
  static void realZfs() {
    RealZfsFixture.requirePools();
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    if (daemon != null && daemon.isAlive()) {
      daemon.destroyForcibly();
      daemon.waitFor(20, TimeUnit.SECONDS);
    }
    fixture.destroyAll();
  }

  @Test
  void sigtermStopsTheDaemonPromptlyAndKillsTheHangingHook() throws Exception {
    DatasetName root = fixture.scratch(RealZfsFixture.POOL_1, "DaemonShutdownIT");
    String sleep = "sleep 600." + (100000 + ThreadLocalRandom.current().nextInt(900000));
    Path started = dir.resolve("hook-started");
    Path config =
        Files.writeString(
            dir.resolve("zfleet.conf"),
            """
        zfleet {
          node {
            name = "shutdown-it"
            data-dir = "%s"
            cluster { bind = "127.0.0.1:%d" }
            control { port = %d }
          }
          jobs = [ {
            name = "hanging", type = snap
            filesystems { "%s<" = true }
            snapshotting {
              type = periodic, prefix = "zfleet_", interval = 1h
              hooks = [ { command = [ "sh", "-c", "echo $$ > '%s'; %s; echo woke" ], timeout = 60s, err-is-fatal = true } ]
            }
            pruning { keep = [ { type = last-n, count = 3 } ] }
          } ]
        }
        """
                .formatted(dir, clusterPort(), freePort(), root.value(), started, sleep));
    Path log = dir.resolve("daemon.log");

    daemon =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "org.zfleet.node.cli.ZfleetCommand",
                "daemon",
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();

    await(
        "the hook runs (daemon log: " + log + ")",
        60,
        () -> Files.exists(started) && !processes(sleep).isEmpty());
    List<String> before = processes(root.value(), sleep);
    assertThat(before)
        .as("the hook and its child are found by their marker")
        .hasSizeGreaterThanOrEqualTo(2);

    daemon.destroy(); // SIGTERM
    boolean exited = daemon.waitFor(20, TimeUnit.SECONDS);

    assertThat(exited)
        .as("the daemon exits within 20 s of SIGTERM; its log:%n%s", tail(log))
        .isTrue();
    assertThat(daemon.exitValue()).as("exit code; log:%n%s", tail(log)).isIn(0, 143);
    await("no process of the job left", 5, () -> processes(root.value(), sleep).isEmpty());
    assertThat(processes(root.value(), sleep)).isEmpty();
  }

  /** Command lines of live processes naming any of the markers. */
  private static List<String> processes(String... markers) {
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
        .filter(line -> List.of(markers).stream().anyMatch(line::contains))
        .toList();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A cluster port whose derived ports (+1000, +2000, +3000) stay valid; nothing binds it here. */
  static int clusterPort() {
    return 20000 + ThreadLocalRandom.current().nextInt(30000);
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void await(String what, int seconds, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within " + seconds + " s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
