package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.LoadResult;
import org.zfleet.model.DatasetName;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.schedule.SnapshotNaming;
import org.zfleet.zfs.RealZfsFixture;

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
    this(dir, jobs, "");
  }

  /** With {@code nodeExtra} HOCON inside {@code zfleet.node}; the data-dir is {@code dir/data}. */
  RealDaemon(Path dir, String jobs, String nodeExtra) throws IOException {
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

  // ---- zfs, run directly

  static String zfs(String... args) {
    List<String> command = new ArrayList<>(List.of("zfs"));
    command.addAll(List.of(args));
    RealZfsFixture.Result result = RealZfsFixture.run(command);
    if (result.code() != 0) {
      throw new AssertionError(command + " failed: " + result.output().strip());
    }
    return result.output();
  }

  static boolean exists(DatasetName fs) {
    try {
      zfs("list", "-H", "-o", "name", fs.value());
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  /** Short names of a filesystem's own snapshots, oldest first; empty if it does not exist. */
  static List<String> snapshots(DatasetName fs) {
    if (!exists(fs)) {
      return List.of();
    }
    return zfs(
            "list", "-H", "-d", "1", "-t", "snapshot", "-o", "name", "-s", "createtxg", fs.value())
        .lines()
        .filter(l -> !l.isBlank())
        .map(l -> l.substring(l.indexOf('@') + 1))
        .toList();
  }

  static String guid(DatasetName fs, String snapshot) {
    return zfs("get", "-H", "-p", "-o", "value", "guid", fs.snapshot(snapshot).full()).strip();
  }

  static long creation(DatasetName fs, String snapshot) {
    return Long.parseLong(
        zfs("get", "-H", "-p", "-o", "value", "creation", fs.snapshot(snapshot).full()).strip());
  }

  /**
   * The value set on the dataset itself, or empty when it has none (inherited values do not count).
   */
  static String localProperty(DatasetName fs, String property) {
    return zfs("get", "-H", "-s", "local", "-o", "value", property, fs.value()).strip();
  }

  /** A snapshot named as the job would name it at {@code at}, taken now. */
  static String snapshot(String prefix, Instant at, DatasetName... filesystems) {
    String name = new SnapshotNaming(prefix).name(at);
    for (DatasetName fs : filesystems) {
      zfs("snapshot", fs.snapshot(name).full());
    }
    return name;
  }

  static Path mountpoint(DatasetName fs) {
    return Path.of(zfs("get", "-H", "-o", "value", "mountpoint", fs.value()).strip());
  }

  /**
   * {@link #contents} of a replica, mounted afresh first: zfs-fuse does not drop the kernel's page
   * cache of a mounted filesystem when a receive changes it, so reads after an incremental receive
   * can return the old bytes until it is mounted again (ZFS itself holds the new ones). A replica
   * whose first receive was committed by zfs-fuse after its process was killed was never mounted.
   */
  static Map<String, String> replicaContents(DatasetName replica) {
    if (zfs("get", "-H", "-o", "value", "mounted", replica.value()).strip().equals("yes")) {
      zfs("umount", replica.value());
    }
    zfs("mount", replica.value());
    return contents(replica);
  }

  /** SHA-256 of every regular file below a filesystem's mountpoint, by relative path. */
  static Map<String, String> contents(DatasetName fs) {
    Path root = mountpoint(fs);
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(f).toString(), sha256(f));
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read " + root, e);
    }
    return out;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void writeRandom(DatasetName fs, String file, int bytes, long seed) {
    byte[] data = new byte[bytes];
    new java.util.Random(seed).nextBytes(data);
    try {
      Path path = mountpoint(fs).resolve(file);
      Files.createDirectories(path.getParent());
      Files.write(path, data);
    } catch (IOException e) {
      throw new AssertionError("cannot write " + file + " into " + fs, e);
    }
  }

  /**
   * Releases zfleet's holds for {@code marks} on every snapshot below {@code root}, so it can be
   * destroyed.
   */
  static void releaseHolds(DatasetName root, ReplicationMarks marks) {
    if (root == null || !exists(root)) {
      return;
    }
    for (String snapshot :
        zfs("list", "-H", "-r", "-t", "snapshot", "-o", "name", root.value()).lines().toList()) {
      for (String tag : List.of(marks.cursorHoldTag(), marks.stepHoldTag())) {
        try {
          zfs("release", tag, snapshot);
        } catch (AssertionError notHeld) {
          // only what is held needs releasing
        }
      }
    }
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
