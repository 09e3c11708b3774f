package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.LoggerFactory;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.LoadResult;
import org.zfleet.model.DatasetName;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.schedule.SnapshotNaming;
import org.zfleet.zfs.RealZfs;

/**
 * One in-process zfleet daemon over real zfs-fuse for integration tests: its configuration on a
 * free cluster port, its control API (status, wakeup), its log events, and the {@code zfs} commands
 * a test checks the result with (run directly, not through zfleet's adapter).
 */
final class RealDaemon implements AutoCloseable {

  static final String NODE = "itnode";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Path configFile;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  // The root: some actors log under Pekko's logger names (the watchdog's lines come from
  // ActorCell).
  private final Logger rootLogger =
      (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final int controlPort;
  final int managementPort;
  private final Path dataDir;
  private Daemon daemon;

  /** Writes the configuration: {@code jobs} is the HOCON list body; the node part is made here. */
  RealDaemon(Path dir, String jobs) throws IOException {
    this(dir, jobs, FUSE, "");
  }

  /** The same, with the daemon's {@code zfs} and {@code zpool} those of {@code zfs}. */
  RealDaemon(Path dir, String jobs, RealZfs zfs) throws IOException {
    this(dir, jobs, zfs, "");
  }

  /** With {@code nodeExtra} HOCON inside {@code zfleet.node}; the data-dir is {@code dir/data}. */
  RealDaemon(Path dir, String jobs, String nodeExtra) throws IOException {
    this(dir, jobs, FUSE, nodeExtra);
  }

  /**
   * With the daemon's {@code zfs} and {@code zpool} those of {@code zfs}, and {@code nodeExtra}
   * HOCON inside {@code zfleet.node}; the data-dir is {@code dir/data}.
   */
  RealDaemon(Path dir, String jobs, RealZfs zfs, String nodeExtra) throws IOException {
    int cluster = freeClusterPort();
    controlPort = cluster + 3000;
    managementPort = cluster + 1000;
    dataDir = dir.resolve("data");
    String text =
        String.join(
            "\n",
            "zfleet {",
            "  node {",
            "    name = \"" + NODE + "\"",
            "    cluster { bind = \"127.0.0.1:" + cluster + "\" }",
            "    limits { zfs-commands = 8, transfers = 4 }",
            "    zfs { zfs-path = \"" + zfs.zfs() + "\", zpool-path = \"" + zfs.zpool() + "\" }",
            "    data-dir = \"" + dir.resolve("data") + "\"",
            nodeExtra,
            "  }",
            "  jobs = [",
            jobs,
            "  ]",
            "}");
    configFile = Files.writeString(dir.resolve("zfleet.conf"), text);
  }

  /** Starts the daemon and begins capturing its log events. */
  RealDaemon start() {
    LoadResult loaded = ConfigLoader.load(configFile, NODE);
    assertThat(loaded.errors()).as("configuration %s", configFile).isEmpty();
    logs.setContext(rootLogger.getLoggerContext());
    logs.start();
    rootLogger.addAppender(logs);
    daemon = Daemon.start(loaded.config().orElseThrow(), loaded.hocon().orElseThrow());
    return this;
  }

  @Override
  public void close() {
    try {
      if (daemon != null) {
        daemon.close();
      }
    } finally {
      rootLogger.detachAppender(logs);
      logs.stop();
    }
  }

  /** A cluster port whose management (+1000) and control (+3000) ports are free as well. */
  private static int freeClusterPort() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(20000, 40000);
      if (free(port) && free(port + 1000) && free(port + 3000)) {
        return port;
      }
    }
    throw new IOException("no free pair of ports found");
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return socket.isBound();
    } catch (IOException taken) {
      return false;
    }
  }

  // ---- control API

  JsonNode status() {
    try {
      return JSON.readTree(http("GET", "/status"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  void wakeup(String job) {
    http("POST", "/jobs/" + job + "/wakeup");
  }

  private String http(String method, String path) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controlPort + path))
              .timeout(Duration.ofSeconds(10))
              .header("Authorization", ControlToken.load(dataDir).header())
              .method(method, HttpRequest.BodyPublishers.noBody())
              .build();
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode())
          .as("%s %s: %s", method, path, response.body())
          .isBetween(200, 299);
      return response.body();
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The status of one filesystem of {@code job}, if it has a supervisor yet. */
  Optional<JsonNode> filesystem(String job, DatasetName fs) {
    for (JsonNode j : status().path("jobs")) {
      if (j.path("job").asText().equals(job)) {
        for (JsonNode f : j.path("filesystems")) {
          if (f.path("filesystem").asText().equals(fs.value())) {
            return Optional.of(f);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The last outcome of one kind of step ("REPLICATE", "PRUNE_SENDER", ...) of a filesystem. */
  Optional<JsonNode> outcome(String job, DatasetName fs, String kind) {
    return filesystem(job, fs)
        .flatMap(
            f -> {
              for (JsonNode o : f.path("lastOutcomes")) {
                if (o.path("kind").asText().equals(kind)) {
                  return Optional.of(o);
                }
              }
              return Optional.empty();
            });
  }

  /** Log lines captured so far, as "message" with their time. */
  List<ILoggingEvent> events() {
    synchronized (logs) {
      return List.copyOf(logs.list);
    }
  }

  static Instant at(ILoggingEvent e) {
    return Instant.ofEpochMilli(e.getTimeStamp());
  }

  // ---- zfs-fuse, run directly (RealZfs has the same for any real ZFS)

  private static final RealZfs FUSE = RealZfs.zfsFuse();

  static String zfs(String... args) {
    return FUSE.zfs(args);
  }

  static boolean exists(DatasetName fs) {
    return FUSE.exists(fs);
  }

  /** Short names of a filesystem's own snapshots, oldest first; empty if it does not exist. */
  static List<String> snapshots(DatasetName fs) {
    return FUSE.snapshots(fs);
  }

  static String guid(DatasetName fs, String snapshot) {
    return FUSE.guid(fs, snapshot);
  }

  static long creation(DatasetName fs, String snapshot) {
    return FUSE.creation(fs, snapshot);
  }

  /**
   * The value set on the dataset itself, or empty when it has none (inherited values do not count).
   */
  static String localProperty(DatasetName fs, String property) {
    return FUSE.localProperty(fs, property);
  }

  /** A snapshot named as the job would name it at {@code at}, taken now. */
  static String snapshot(String prefix, Instant at, DatasetName... filesystems) {
    return snapshot(FUSE, prefix, at, filesystems);
  }

  /** A snapshot named as the job would name it at {@code at}, taken now on {@code zfs}. */
  static String snapshot(RealZfs zfs, String prefix, Instant at, DatasetName... filesystems) {
    String name = new SnapshotNaming(prefix).name(at);
    for (DatasetName fs : filesystems) {
      zfs.zfs("snapshot", fs.snapshot(name).full());
    }
    return name;
  }

  static Map<String, String> replicaContents(DatasetName replica) {
    return FUSE.replicaContents(replica);
  }

  /** SHA-256 of every regular file below a filesystem's mountpoint, by relative path. */
  static Map<String, String> contents(DatasetName fs) {
    return FUSE.contents(fs);
  }

  static void writeRandom(DatasetName fs, String file, int bytes, long seed) {
    FUSE.writeRandom(fs, file, bytes, seed);
  }

  /**
   * Releases zfleet's holds for {@code marks} on every snapshot below {@code root}, so it can be
   * destroyed.
   */
  static void releaseHolds(DatasetName root, ReplicationMarks marks) {
    releaseHolds(FUSE, root, marks);
  }

  static void releaseHolds(RealZfs zfs, DatasetName root, ReplicationMarks marks) {
    zfs.releaseAll(root, List.of(marks.cursorHoldTag(), marks.stepHoldTag()));
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
