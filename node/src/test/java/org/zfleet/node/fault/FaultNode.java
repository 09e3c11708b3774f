package org.zfleet.node.fault;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.zfleet.node.cli.ZfleetCommand;
import org.zfleet.node.daemon.Json;
import org.zfleet.node.testing.ClusterPorts;

/**
 * One zfleet node of a fault test: its configuration and {@code zfleet daemon --config FILE} in a
 * JVM of its own, which the test can kill with SIGKILL, freeze with SIGSTOP and thaw with SIGCONT,
 * and restart; the command line ({@code zfleet signal}, {@code zfleet status}) runs in the test's
 * JVM against the node's control port (cluster port + 3000).
 */
final class FaultNode implements AutoCloseable {

  final String name;
  final int clusterPort;
  final Path config;
  final Path log;
  private Process process;

  private FaultNode(String name, int clusterPort, Path config, Path log) {
    this.name = name;
    this.clusterPort = clusterPort;
    this.config = config;
    this.log = log;
  }

  /**
   * Writes the configuration: TLS files {@code <certs>/<name>.crt|key}; in a cluster joining {@code
   * seedPort} (none: a node alone, jobs between its own pools); {@code nodeExtra} HOCON inside
   * {@code zfleet.node}; {@code jobs} the HOCON list body.
   */
  static FaultNode configure(
      String name,
      int clusterPort,
      Optional<Integer> seedPort,
      Path certs,
      Path home,
      String nodeExtra,
      String jobs) {
    try {
      Path dir = Files.createDirectories(home.resolve(name));
      Path config = dir.resolve("zfleet.conf");
      String cluster =
          seedPort
              .map(
                  seed ->
                      """
                      cluster { bind = "127.0.0.1:%d", seed-nodes = [ "127.0.0.1:%d" ] }
                      tls { ca = "%3$s/ca.crt", cert = "%3$s/%4$s.crt", key = "%3$s/%4$s.key" }
                      """
                          .formatted(clusterPort, seed, certs, name))
              .orElse("cluster { bind = \"127.0.0.1:%d\" }".formatted(clusterPort));
      Files.writeString(
          config,
          """
          zfleet {
            node {
              name = "%s"
              data-dir = "%s"
              %s
              %s
            }
            jobs = [ %s ]
          }
          """
              .formatted(name, dir.resolve("data"), cluster, nodeExtra, jobs));
      return new FaultNode(name, clusterPort, config, dir.resolve("daemon.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the daemon's JVM (again, after a kill); its output is appended to {@link #log}. */
  FaultNode start() {
    List<String> command =
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
            config.toString());
    try {
      Files.writeString(
          log,
          "---- test: starting " + name + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
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

  /** {@code kill -9}: the JVM ends at once, as in a crash; its children are left to themselves. */
  void kill() {
    if (process != null && process.isAlive()) {
      signal("CONT"); // a frozen JVM dies of SIGKILL too, but say so for the log's reader
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(20));
    }
  }

  /** SIGSTOP: the whole JVM freezes (its sockets stay open, nothing answers). */
  void freeze() {
    signal("STOP");
  }

  /** SIGCONT after {@link #freeze()}. */
  void thaw() {
    signal("CONT");
  }

  private void signal(String signal) {
    if (process == null || !process.isAlive()) {
      throw new AssertionError("node " + name + " is not running" + describe());
    }
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** SIGTERM, then SIGKILL if it has not ended after a while. */
  @Override
  public void close() {
    if (isAlive()) {
      signal("CONT");
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

  /** {@code zfleet signal wakeup JOB}, repeated until the daemon answers (it may be starting). */
  void wakeup(String job, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      StringWriter err = new StringWriter();
      int code =
          ZfleetCommand.execute(
              new PrintWriter(new StringWriter(), true),
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
        "node " + name + " did not take the wakeup of " + job + ": " + last + describe());
  }

  /** {@code zfleet status --json}, or empty while the daemon does not answer. */
  Optional<JsonNode> status() {
    StringWriter out = new StringWriter();
    int code =
        ZfleetCommand.execute(
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true),
            "status",
            "--config",
            config.toString(),
            "--json");
    if (code != 0 && out.toString().isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.mapper().readTree(out.toString()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The last outcome of {@code kind} (e.g. REPLICATE) to {@code destination} for {@code fs}. */
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
    if (!isAlive()) {
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
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
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
