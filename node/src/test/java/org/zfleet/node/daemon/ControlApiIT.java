package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.LoadResult;
import org.zfleet.model.DatasetName;
import org.zfleet.node.cli.ZfleetCommand;
import org.zfleet.zfs.RealZfsFixture;

/**
 * The daemon's local control API as another local user or a web page would reach it: a request
 * without the token of {@code <data-dir>/control.token} is refused with 401 and changes nothing or
 * reads nothing (wakeup, reset, status, monitor, a job's plan); {@code zfleet signal} and {@code
 * zfleet status}, run by root, carry it.
 */
@Timeout(90)
class ControlApiIT {

  private final RealZfsFixture fixture = new RealZfsFixture();
  private final HttpClient http = HttpClient.newHttpClient();
  private Daemon daemon;

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    fixture.destroyAll();
  }

  @Test
  void aRequestWithoutTheTokenIsRefusedAndChangesNothing(@TempDir Path dir) throws Exception {
    RealZfsFixture.requirePools();
    DatasetName fs = fixture.scratch(RealZfsFixture.POOL_1, "ControlApiIT");
    // The job snapshotted just now: its next snapshot is an hour away, unless woken.
    RealDaemon.snapshot("zfleet_", java.time.Instant.now(), fs);
    int control = DaemonShutdownIT.freePort();
    Path config =
        Files.writeString(
            dir.resolve("zfleet.conf"),
            """
            zfleet {
              node {
                name = "control-it"
                data-dir = "%s/data"
                cluster { bind = "127.0.0.1:%d" }
                control { port = %d }
              }
              jobs = [ {
                name = "snap", type = snap
                filesystems { "%s" = true }
                snapshotting { type = periodic, prefix = "zfleet_", interval = 1h }
                pruning { keep = [ { type = last-n, count = 10 } ] }
              } ]
            }
            """
                .formatted(dir, DaemonShutdownIT.clusterPort(), control, fs.value()));
    LoadResult loaded = ConfigLoader.load(config);
    assertThat(loaded.errors()).isEmpty();
    daemon = Daemon.start(loaded.config().orElseThrow(), loaded.hocon().orElseThrow());
    URI wakeup = URI.create("http://127.0.0.1:" + control + "/jobs/snap/wakeup");
    URI status = URI.create("http://127.0.0.1:" + control + "/status");

    // Another local user, or a page's form posting to 127.0.0.1, has no token to send.
    HttpResponse<String> forged =
        http.send(
            HttpRequest.newBuilder(wakeup)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("job=snap"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> wrong =
        http.send(
            HttpRequest.newBuilder(wakeup)
                .header("Authorization", "Bearer 0000")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> peek =
        http.send(
            HttpRequest.newBuilder(status).GET().build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> monitor =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control + "/monitor"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    HttpResponse<String> reset =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control + "/jobs/snap/reset"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> plan =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control + "/jobs/snap/plan"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(reset.statusCode()).as(reset.body()).isEqualTo(401);
    assertThat(plan.statusCode()).as(plan.body()).isEqualTo(401);
    assertThat(plan.body()).doesNotContain("snap");
    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(401);
    assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(401);
    assertThat(peek.statusCode()).as(peek.body()).isEqualTo(401);
    assertThat(peek.body()).doesNotContain("snap");
    assertThat(monitor.statusCode()).as(monitor.body()).isEqualTo(401);
    assertThat(monitor.body()).doesNotContain("control-it");
    Thread.sleep(3000);
    assertThat(snapshots(fs)).as("no snapshot taken").hasSize(1);

    // Root's command line reads the token and is obeyed.
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
            "snap");
    assertThat(code).as(err.toString()).isZero();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (snapshots(fs).size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(snapshots(fs)).as("the wakeup's snapshot").hasSize(2);
    Path token = dir.resolve("data").resolve("control.token");
    assertThat(Files.getPosixFilePermissions(token))
        .as("the token file is the owner's alone")
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
  }

  private static List<String> snapshots(DatasetName fs) {
    return RealZfsFixture.run(
            List.of("zfs", "list", "-H", "-o", "name", "-t", "snapshot", "-d", "1", fs.value()))
        .output()
        .lines()
        .filter(l -> l.contains("@"))
        .toList();
  }
}
