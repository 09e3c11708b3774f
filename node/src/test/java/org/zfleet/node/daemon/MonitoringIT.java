package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.node.cli.ZfleetCommand;
import org.zfleet.node.health.FreshnessStateFile;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.zfs.RealZfsFixture;

/**
 * A real daemon in local mode (push and sink in one node, real zfs-fuse), scraped while it
 * replicates 48 MiB slowed to 8 MiB/s: the management port serves {@code /metrics}, {@code /ready}
 * and {@code /health/backups}; the main series move during the transfer; {@code zfleet status}
 * shows progress with an estimated size and ETA; with ZFS failing the scrape stays valid and the
 * node not ready; scrapes during shutdown never get a 500; freshness survives the daemon.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MonitoringIT {

  private static final String JOB = "push_mon";
  private static final String SINK = "sink_mon";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final RealZfsFixture fixture = new RealZfsFixture();
  private DatasetName src;
  private RealDaemon daemon;

  @TempDir Path dir;

  @BeforeAll
  static void pools() {
    RealZfsFixture.requirePools();
  }

  @AfterEach
  void cleanUp() {
    try {
      if (daemon != null) {
        daemon.close();
      }
    } finally {
      RealDaemon.releaseHolds(src, ReplicationMarks.of(JOB, SINK));
      fixture.destroyAll();
    }
  }

  /** A zfs (or zpool) that fails like a stopped zfs-fuse while {@code dir/zfs-down} exists. */
  private Path wrapper(String program) throws IOException {
    Path script = dir.resolve(program);
    Files.writeString(
        script,
        "#!/bin/sh\nif [ -e '"
            + dir.resolve("zfs-down")
            + "' ]; then echo 'connect: Connection refused' >&2;"
            + " echo 'Please make sure that the zfs-fuse daemon is running.' >&2; exit 1; fi\nexec "
            + program
            + " \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  @Test
  void metricsMoveDuringAReplicationStayValidWithoutZfsAndDuringShutdown() throws Exception {
    src = fixture.scratch(RealZfsFixture.POOL_1, "mon");
    DatasetName sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "monsink");
    RealDaemon.writeRandom(src, "data.bin", 48 << 20, 42);
    String jobs =
        """
            { name = "%s", type = push, sink = "%s"
              filesystems { "%s" = true }
              snapshotting { type = manual, prefix = "zf_" }
              pruning { keep-sender = [ { type = not-replicated }, { type = last-n, count = 3 } ]
                        keep-receiver = [ { type = last-n, count = 3 } ] }
              replication { bandwidth-limit = "8 MiB/s", freshness { warn = 1h, critical = 2h } }
            }
            { name = "%s", type = sink, root-fs = "%s", clients = [ "%s" ] }
        """
            .formatted(JOB, SINK, src, SINK, sinkRoot, RealDaemon.NODE);
    String zfsPaths =
        "zfs { zfs-path = \"" + wrapper("zfs") + "\", zpool-path = \"" + wrapper("zpool") + "\" }";
    daemon = new RealDaemon(dir, jobs, zfsPaths).start();

    RealDaemon.await("ready", Duration.ofSeconds(30), () -> get("/ready").statusCode() == 200);
    Exposition before = scrape();
    assertThat(before.has("jvm_memory_used_bytes")).isTrue();
    assertThat(before.sum("zfleet_transfers_in_flight")).hasValue(0);
    assertThat(before.sum("zfleet_replicated_bytes_total", "job=\"" + JOB + "\"")).hasValue(0);

    // The operator's snapshot (manual snapshotting), which the wakeup replicates.
    RealDaemon.snapshot("zf_", java.time.Instant.now(), src);
    daemon.wakeup(JOB);

    // During the transfer: in flight, bytes and rate moving, status with an estimated size.
    RealDaemon.await(
        "a transfer in flight",
        Duration.ofSeconds(30),
        () -> scrape().sum("zfleet_transfers_in_flight").orElse(0) == 1);
    Exposition first = scrape();
    Thread.sleep(2000);
    Exposition second = scrape();
    double bytes1 =
        first.sum("zfleet_replicated_bytes_total", "destination=\"" + SINK + "\"").orElseThrow();
    double bytes2 =
        second.sum("zfleet_replicated_bytes_total", "destination=\"" + SINK + "\"").orElseThrow();
    assertThat(bytes2).as("bytes replicated move").isGreaterThan(bytes1);
    assertThat(
            second
                .sum("zfleet_transfer_rate_bytes_per_second", "job=\"" + JOB + "\"")
                .orElseThrow())
        .as("rate under the 8 MiB/s limit")
        .isBetween(1.0, 12.0 * (1 << 20));
    String status = cli("status", "--config", daemon.configFile.toString());
    assertThat(status)
        .contains("job " + JOB + ":")
        .contains("running replicate to " + SINK)
        .contains("(estimated)")
        .contains("ETA");
    JsonNode page = Json.mapper().readTree(get("/api/status").body());
    assertThat(page.path("monitor").path("transfers").get(0).path("bytes").asLong()).isPositive();

    // After it: steps, durations, zfs latency, replica age; healthy backups.
    RealDaemon.await(
        "the replication's end",
        Duration.ofSeconds(60),
        () ->
            scrape().sum("zfleet_steps_total", "kind=\"replicate\"", "outcome=\"ok\"").orElse(0)
                    >= 1
                // the freshness gauges follow at the next status poll (every second)
                && scrape().sum("zfleet_replicas", "freshness=\"ok\"").orElse(0) == 1);
    Exposition after = scrape();
    assertThat(
            after
                .sum("zfleet_replicated_bytes_total", "destination=\"" + SINK + "\"")
                .orElseThrow())
        .isGreaterThanOrEqualTo(48 << 20);
    assertThat(after.sum("zfleet_step_duration_seconds_count", "kind=\"replicate\"").orElseThrow())
        .isPositive();
    assertThat(after.sum("zfleet_zfs_command_seconds_count", "subcommand=\"get\"").orElseThrow())
        .isPositive();
    assertThat(after.sum("zfleet_replica_age_seconds", "filesystem=\"" + src + "\"")).isPresent();
    assertThat(after.sum("zfleet_replicas", "freshness=\"ok\"")).hasValue(1);
    assertThat(get("/health/backups").statusCode()).isEqualTo(200);
    assertThat(cli("status", "--config", daemon.configFile.toString())).contains("ago");
    StringWriter out = new StringWriter();
    assertThat(
            ZfleetCommand.execute(
                new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true),
                "check",
                "freshness",
                "--config",
                daemon.configFile.toString()))
        .as(out.toString())
        .isZero();
    assertThat(out.toString()).startsWith("FRESHNESS OK - 1 replica(s)");
    RealDaemon.await(
        "the state file",
        Duration.ofSeconds(10),
        () -> Files.exists(dir.resolve("data").resolve(FreshnessStateFile.NAME)));

    // ZFS gone: still a valid scrape, zfs_up 0, not ready and saying why.
    Files.createFile(dir.resolve("zfs-down"));
    RealDaemon.await(
        "not ready without ZFS", Duration.ofSeconds(30), () -> get("/ready").statusCode() == 503);
    assertThat(get("/ready").body()).contains("ZFS does not answer");
    HttpResponse<String> withoutZfs = get("/metrics");
    assertThat(withoutZfs.statusCode()).isEqualTo(200);
    assertThat(Exposition.parse(withoutZfs.body()).sum("zfleet_zfs_up")).hasValue(0);
    Files.delete(dir.resolve("zfs-down"));

    // Shutdown: every answer while it stops is a valid scrape or no connection, never a 500.
    List<Integer> codes = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    Thread scraper =
        new Thread(
            () -> {
              while (!stop.get()) {
                try {
                  HttpResponse<String> r = get("/metrics");
                  synchronized (codes) {
                    codes.add(r.statusCode());
                  }
                  if (r.statusCode() == 200) {
                    Exposition.parse(r.body());
                  }
                } catch (RuntimeException refused) {
                  // the port closed: fine
                }
              }
            });
    scraper.start();
    Thread.sleep(300);
    daemon.close();
    daemon = null;
    stop.set(true);
    scraper.join(10_000);
    synchronized (codes) {
      assertThat(codes).isNotEmpty().allMatch(c -> c == 200);
    }

    // Without the daemon: the state file and the cursor in ZFS still answer.
    out = new StringWriter();
    assertThat(
            ZfleetCommand.execute(
                new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true),
                "check",
                "freshness",
                "--config",
                dir.resolve("zfleet.conf").toString(),
                "--warn",
                "1s",
                "--crit",
                "1h"))
        .as(out.toString())
        .isEqualTo(1);
    assertThat(out.toString())
        .startsWith("FRESHNESS WARNING")
        .contains("WARNING " + JOB + " " + src);
  }

  private Exposition scrape() {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    return Exposition.parse(r.body());
  }

  private HttpResponse<String> get(String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.managementPort + path))
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ZfleetCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return out + err.toString();
  }
}
