package org.zfleet.prune;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.schedule.SnapshotNaming;

/**
 * 100,000 snapshots, one every five minutes (about 347 days), in random order. Run as a plain test:
 * it shows the evaluation is not quadratic (a quadratic one would not finish in the timeout),
 * without asserting on time.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PrunerScaleTest {

  @Test
  void aHundredThousandSnapshotsUnderTheDocumentedGrid() {
    SnapshotNaming naming = new SnapshotNaming("zfleet_");
    Instant youngest = Instant.parse("2026-11-28T12:00:00Z");
    List<FilesystemVersion> snaps = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      Instant creation = youngest.minus(Duration.ofMinutes(5L * i));
      snaps.add(FilesystemVersion.snapshot(naming.name(creation), i + 1, 100_000 - i, creation));
    }
    Collections.shuffle(snaps, new Random(42));
    PrunePolicy policy =
        new PrunePolicy(
            List.of(
                Snaps.grid("1x1h(keep=all) | 24x1h | 35x1d | 6x30d", "^zfleet_"), Snaps.lastN(10)),
            PruneScope.own(naming));

    PruneOutcome.Evaluated outcome =
        Snaps.evaluated(Pruner.evaluate(snaps, policy, PruneContext.cycle(youngest)));

    // [0,1h) keeps its 12; then one per bucket: 24 hours, 35 days, 6 months of 30 days.
    assertThat(outcome.summary().kept()).isEqualTo(12 + 24 + 35 + 6);
    assertThat(outcome.summary().destroyed()).isEqualTo(100_000 - 77);
    assertThat(outcome.decisions()).hasSize(100_000);
  }
}
