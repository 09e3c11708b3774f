package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.zfs.RealZfsFixture;

/**
 * The status page in a real headless chromium during a real transfer (48 MiB at 4 MiB/s, push and
 * sink in one daemon on zfs-fuse): the transfer's progress bar moves, the filesystem appears with
 * its freshness colour; a screenshot is saved to {@code target/status-page.png}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StatusPageIT {

  private static final String JOB = "push_page";
  private static final String SINK = "sink_page";

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

  @Test
  void theProgressBarMovesDuringATransfer() throws Exception {
    src = fixture.scratch(RealZfsFixture.POOL_1, "page");
    DatasetName sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "pagesink");
    RealDaemon.writeRandom(src, "data.bin", 48 << 20, 7);
    daemon =
        new RealDaemon(
                dir,
                """
                { name = "%s", type = push, sink = "%s"
                  filesystems { "%s" = true }
                  snapshotting { type = manual, prefix = "zf_" }
                  pruning { keep-sender = [ { type = not-replicated }, { type = last-n, count = 3 } ]
                            keep-receiver = [ { type = last-n, count = 3 } ] }
                  replication { bandwidth-limit = "4 MiB/s" }
                }
                { name = "%s", type = sink, root-fs = "%s", clients = [ "%s" ] }
                """
                    .formatted(JOB, SINK, src, SINK, sinkRoot, RealDaemon.NODE))
            .start();

    try (HeadlessChromium chromium =
        HeadlessChromium.start(Files.createDirectories(dir.resolve("profile")))) {
      chromium.navigate("http://127.0.0.1:" + daemon.managementPort + "/");
      RealDaemon.await(
          "the page showing the job",
          Duration.ofSeconds(30),
          () -> text(chromium, "document.querySelector('#jobs tbody').textContent").contains(JOB));
      // The operator's snapshot (manual snapshotting), which the wakeup replicates.
      RealDaemon.snapshot("zf_", java.time.Instant.now(), src);
      daemon.wakeup(JOB);

      String bar =
          "(() => { const t = document.querySelector('.transfer'); if (!t) return '';"
              + " return t.getAttribute('data-bytes') + ' ' + parseFloat(t.querySelector('.fill').style.width); })()";
      List<double[]> seen = new ArrayList<>();
      try {
        RealDaemon.await(
            "the progress bar to move twice",
            Duration.ofSeconds(60),
            () -> {
              String v = text(chromium, bar);
              if (!v.isEmpty()) {
                String[] parts = v.split(" ");
                double[] point = {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
                // Before the first bytes the bar is indeterminate (full width, striped).
                if (point[0] > 0 && (seen.isEmpty() || point[0] > seen.get(seen.size() - 1)[0])) {
                  seen.add(point);
                }
              }
              return seen.size() >= 3 && seen.get(seen.size() - 1)[1] > seen.get(0)[1];
            });
      } catch (AssertionError e) {
        chromium.screenshot(Path.of("target", "status-page-failed.png"));
        throw new AssertionError(
            e.getMessage()
                + "; seen "
                + seen.stream().map(java.util.Arrays::toString).toList()
                + "; page: "
                + text(chromium, "document.body.innerText"),
            e);
      }
      assertThat(seen.get(seen.size() - 1)[1]).isBetween(0.1, 100.0);
      chromium.screenshot(Path.of("target", "status-page.png"));
      assertThat(Files.size(Path.of("target", "status-page.png"))).isGreaterThan(10_000);

      RealDaemon.await(
          "the filesystem shown fresh after the transfer",
          Duration.ofSeconds(60),
          () ->
              text(chromium, "[...document.querySelectorAll('#replicas td.ok')].length + ''")
                  .equals("1"));
      chromium.screenshot(Path.of("target", "status-page-after.png"));
    }
  }

  private static String text(HeadlessChromium chromium, String expression) {
    try {
      JsonNode value = chromium.evaluate(expression);
      return value.isMissingNode() || value.isNull() ? "" : value.asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
