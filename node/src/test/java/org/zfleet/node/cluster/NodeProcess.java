package org.zfleet.node.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.zfleet.config.HostPort;

/** A {@link ClusterTestNode} in its own JVM, with its stdout answers and its log file. */
public final class NodeProcess implements AutoCloseable {

  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);

  final String name;
  final HostPort bind;
  final HostPort management;
  final Path log;
  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger nextId = new AtomicInteger(1);

  private NodeProcess(String name, HostPort bind, HostPort management, Path log, Process process) {
    this.name = name;
    this.bind = bind;
    this.management = management;
    this.log = log;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readStdout, "stdout-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a node named {@code name} with its own free ports, joining {@code seeds} (empty: itself
   * only), offering {@code jobs} ({@code name:sink} or {@code name:source}).
   */
  public static NodeProcess start(
      String name,
      List<HostPort> seeds,
      TlsFiles tls,
      List<String> jobs,
      Path logDir,
      String... extra) {
    return start(name, freePort(), seeds, tls, jobs, logDir, extra);
  }

  /** Like {@link #start} on a given cluster port. */
  public static NodeProcess start(
      String name,
      int port,
      List<HostPort> seeds,
      TlsFiles tls,
      List<String> jobs,
      Path logDir,
      String... extra) {
    HostPort bind = new HostPort("127.0.0.1", port);
    HostPort management = new HostPort("127.0.0.1", freePort());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-Xss512k",
            "-XX:+UseSerialGC",
            "-Xmx192m",
            "-XX:-UsePerfData"));
    // The node's own logging (stderr, one line per event), not a test configuration that the
    // classpath may also hold: stdout carries the answers.
    command.add("-Dlogback.configurationFile=logback.xml");
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), ClusterTestNode.class.getName()));
    command.addAll(
        List.of(
            "name=" + name,
            "bind=" + bind,
            "management=" + management,
            "ca=" + tls.ca(),
            "cert=" + tls.cert(),
            "key=" + tls.key()));
    for (HostPort seed : seeds.isEmpty() ? List.of(bind) : seeds) {
      command.add("seed=" + seed);
    }
    jobs.forEach(job -> command.add("job=" + job));
    command.addAll(List.of(extra));
    try {
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
              .start();
      return new NodeProcess(name, bind, management, log, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + name, e);
    }
  }

  /** Sends one command and returns its answer (without the id). */
  public String ask(String command) {
    String id = Integer.toString(nextId.getAndIncrement());
    try {
      stdin.write(id + " " + command + "\n");
      stdin.flush();
    } catch (IOException e) {
      throw new IllegalStateException(
          "node " + name + " does not take commands (exited?) " + describeExit(), e);
    }
    long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
    try {
      while (true) {
        String line = answers.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new IllegalStateException(
              "node "
                  + name
                  + " did not answer \""
                  + command
                  + "\" in "
                  + ANSWER_TIMEOUT
                  + " "
                  + describeExit());
        }
        if (line.startsWith(id + " ")) {
          return line.substring(id.length() + 1);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Asks {@code command} until the answer matches, at most {@code timeout}; returns the last
   * answer.
   */
  public String awaitAnswer(String command, Predicate<String> expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String answer = ask(command);
    while (!expected.test(answer) && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(300));
      answer = ask(command);
    }
    return answer;
  }

  /** Waits until an unsolicited line {@code event <text>} starting with {@code prefix} arrived. */
  public boolean awaitEvent(String prefix, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (events.stream().anyMatch(event -> event.startsWith(prefix))) {
        return true;
      }
      sleep(Duration.ofMillis(100));
    }
    return false;
  }

  /** Waits until the node's log holds a line containing {@code text}; returns that line or null. */
  public String awaitLog(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String line = logLines().stream().filter(l -> l.contains(text)).findFirst().orElse(null);
      if (line != null) {
        return line;
      }
      sleep(Duration.ofMillis(200));
    }
    return null;
  }

  public List<String> logLines() {
    try {
      return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The HTTP status of {@code GET path} on the management endpoint. */
  int httpStatus(String path) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + management + path))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Ends the JVM at once, as a crash or a pulled cable would. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      if (!awaitExit(Duration.ofSeconds(5))) {
        kill();
      }
    }
  }

  private void readStdout() {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("event ")) {
          events.add(line.substring("event ".length()));
        } else {
          answers.add(line);
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  private String describeExit() {
    return process.isAlive()
        ? "(running; log " + log + ")"
        : "(exited " + process.exitValue() + "; log " + log + ")";
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
