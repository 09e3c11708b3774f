package org.zfleet.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.zfleet.cycle.CycleStart;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.JobListing;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;

class JobPlanTest {

  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");
  private static final DatasetName MOVED = DatasetName.of("pool/moved");
  private static final DatasetName SILENT = DatasetName.of("pool/silent");
  private static final DatasetName GONE = DatasetName.of("pool/gone");

  private static FilesystemCycle cycle(String... snapshots) {
    List<FilesystemVersion> versions =
        java.util.stream.IntStream.range(0, snapshots.length)
            .mapToObj(i -> FilesystemVersion.snapshot(snapshots[i], i + 1, i + 1, T))
            .toList();
    return Specs.cycle(versions);
  }

  @Test
  void aSupervisorsCycleReplacesTheListingsOnlyForTheFilesystemsThePlanHas() {
    FilesystemCycle listed = cycle("a");
    FilesystemCycle movedOn = cycle("a", "b");
    JobPlan last =
        new JobPlan(
            "push",
            Optional.of(T),
            CycleStart.at(T),
            JobListing.EMPTY,
            Map.of(MOVED, listed, SILENT, listed));

    JobPlan now =
        last.movedOn(
            List.of(
                new FilesystemSupervisor.CurrentCycle(MOVED, Optional.of(movedOn)),
                // A supervisor made anew after a failure has run no cycle yet: the listing's stays.
                new FilesystemSupervisor.CurrentCycle(SILENT, Optional.empty()),
                // One the plan does not have (gone since) is not added back.
                new FilesystemSupervisor.CurrentCycle(GONE, Optional.of(movedOn))));

    assertThat(now.cycles()).containsOnly(Map.entry(MOVED, movedOn), Map.entry(SILENT, listed));
    assertThat(now.listedAt()).isEqualTo(last.listedAt());
    assertThat(now.listing()).isEqualTo(last.listing());
    assertThat(now.start()).isEqualTo(last.start());
  }
}
