package org.zfleet.node.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.zfleet.node.cli.ZfleetCommand;
import org.zfleet.node.daemon.Json;
import org.zfleet.node.testing.ClusterPorts;

/**
 * One zfleet node for the remote ITs: a configuration file and {@code zfleet daemon --config FILE}
 * in its own JVM, with its log file, and the command line ({@code zfleet signal}, {@code zfleet
 * status}) run in this JVM against its control port. Ports follow the cluster port: management
 * +1000, data plane +2000, control +3000 (the configuration's defaults).
 */
final class DaemonNode implements AutoCloseable {

  final String name;
  final int clusterPort;
  final Path config;
  final Path log;
  private Process process;

  private DaemonNode(String name, int clusterPort, Path config, Path log) {
    this.name = name;
    this.clusterPort = clusterPort;
    this.config = config;
    this.log = log;
  }

  /**
   * Writes the node's configuration: TLS files {@code <certs>/<name>.crt|key}, joining the node at
   * {@code seedPort}, running {@code jobs} (HOCON list elements) and {@code extra} HOCON.
   */
  static DaemonNode configure(
      String name, int clusterPort, int seedPort, Path certs, Path dir, String jobs, String extra) {
    try {
      Path home = Files.createDirectories(dir.resolve(name));
      Path config = home.resolve("zfleet.conf");
      Files.writeString(
          config,
          """
          zfleet {
            node {
              name = "%1$s"
              data-dir = "%2$s"
              cluster { bind = "127.0.0.1:%3$d", seed-nodes = [ "127.0.0.1:%4$d" ] }
              tls { ca = "%5$s/ca.crt", cert = "%5$s/%1$s.crt", key = "%5$s/%1$s.key" }
            }
            jobs = [ %6$s ]
          }
          %7$s
          """
              .formatted(name, home, clusterPort, seedPort, certs, jobs, extra));
      return new DaemonNode(name, clusterPort, config, home.resolve("daemon.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the daemon's JVM (again, after a kill); its output is appended to {@link #log}. */
  DaemonNode start() {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xss512k",
                "-Xmx256m",
                "-XX:-UsePerfData",
                // The daemon's own logging, not a test configuration the classpath may hold.
                "-Dlogback.configurationFile=logback.xml",
                "-cp",
                System.getProperty("java.class.path"),
                ZfleetCommand.class.getName(),
                "daemon",
                "--config",
                config.toString()));
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      process.getOutputStream().close();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + name, e);
    }
  }

  int dataPlanePort() {
    return clusterPort + 2000;
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** {@code kill -9}: the JVM ends at once, as in a crash. */
  void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(20));
    }
  }

  /** SIGTERM, then SIGKILL if it has not ended after a while. */
  @Override
  public void close() {
    if (isAlive()) {
      process.destroy();
      if (!waitFor(Duration.ofSeconds(15))) {
        kill();
      }
    }
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * {@code zfleet signal wakeup JOB}, repeated until the daemon answers (it may still be starting).
   */
  void wakeup(String job, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code =
          ZfleetCommand.execute(
              new PrintWriter(out, true),
              new PrintWriter(err, true),
              "signal",
              "wakeup",
              "--config",
              config.toString(),
              job);
      if (code == 0) {
        return;
      }
      last = err.toString().strip();
      assertAlive();
      sleep(Duration.ofMillis(500));
    }
    throw new AssertionError(
        "node "
            + name
            + " did not take the wakeup of "
            + job
            + " within "
            + timeout
            + ": "
            + last
            + describe());
  }

  /** {@code zfleet status --json}, or empty while the daemon does not answer. */
  Optional<JsonNode> status() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        ZfleetCommand.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "status",
            "--config",
            config.toString(),
            "--json");
    if (code != 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.mapper().readTree(out.toString()));
    } catch (IOException e) {
      throw new AssertionError("node " + name + " answered a status that is not JSON: " + out, e);
    }
  }

  /**
   * The last outcome of {@code kind} (e.g. REPLICATE) to {@code destination} for sender filesystem
   * {@code fs}.
   */
  Optional<JsonNode> outcome(String job, String fs, String kind, String destination) {
    return filesystem(job, fs)
        .flatMap(
            f ->
                StreamSupport.stream(f.path("lastOutcomes").spliterator(), false)
                    .filter(
                        o ->
                            o.path("kind").asText().equals(kind)
                                && o.path("destination").asText().equals(destination))
                    .findFirst());
  }

  /** The step running for {@code fs}, if any. */
  Optional<JsonNode> running(String job, String fs) {
    return filesystem(job, fs)
        .map(f -> f.path("running"))
        .filter(r -> !r.isMissingNode() && !r.isNull());
  }

  private Optional<JsonNode> filesystem(String job, String fs) {
    return status()
        .flatMap(
            s ->
                StreamSupport.stream(s.path("jobs").spliterator(), false)
                    .filter(j -> j.path("job").asText().equals(job))
                    .flatMap(j -> StreamSupport.stream(j.path("filesystems").spliterator(), false))
                    .filter(f -> f.path("filesystem").asText().equals(fs))
                    .findFirst());
  }

  List<String> logLines() {
    try {
      return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void assertAlive() {
    if (process == null || !process.isAlive()) {
      throw new AssertionError("node " + name + " is not running" + describe());
    }
  }

  /** The exit state and the end of the log, for failure messages. */
  String describe() {
    String state =
        process == null
            ? "never started"
            : process.isAlive() ? "running" : "exited " + process.exitValue();
    List<String> lines = logLines();
    return "\n--- node "
        + name
        + " ("
        + state
        + "), log "
        + log
        + ":\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  /** Cluster ports, ascending, each with its derived ports free now ({@link ClusterPorts}). */
  static List<Integer> clusterPorts(int count) {
    return ClusterPorts.free(count);
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
