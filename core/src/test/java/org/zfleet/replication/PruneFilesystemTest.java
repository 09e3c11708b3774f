package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepFact;
import org.zfleet.job.StepResult;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.prune.KeepReason;
import org.zfleet.prune.PruneOutcome;
import org.zfleet.prune.PruneSummary;
import org.zfleet.prune.SnapshotDecision;
import org.zfleet.zfs.DestroyResult;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ModelHooks.Op;
import org.zfleet.zfs.ZfsCapabilities;
import org.zfleet.zfs.ZfsException;

/**
 * Pruning destroys what the keep rules do not keep: in one command per filesystem where the ZFS
 * takes a list, one by one where it does not, with held snapshots left for the next cycle.
 */
class PruneFilesystemTest {

  private static final DatasetName FS = DatasetName.of("src/fs");

  private static InMemoryZfs model(ZfsCapabilities capabilities, String... snapshots) {
    InMemoryZfs zfs =
        new InMemoryZfs(
                Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC), 3, capabilities)
            .createPools("src");
    zfs.createFilesystem(FS, Map.of(), false);
    for (String s : snapshots) {
      zfs.snapshot(List.of(FS), s);
    }
    return zfs;
  }

  /** Destroy every version but the newest. */
  private static PruneOutcome keepNewest(InMemoryZfs zfs) {
    List<FilesystemVersion> versions = zfs.list(List.of(FS), Set.of()).get(0).versions();
    List<SnapshotDecision> decisions = new ArrayList<>();
    for (int i = 0; i < versions.size(); i++) {
      decisions.add(
          i == versions.size() - 1
              ? new SnapshotDecision.Keep(versions.get(i), List.of(new KeepReason.Youngest()))
              : new SnapshotDecision.Destroy(versions.get(i)));
    }
    return new PruneOutcome.Evaluated(
        decisions, new PruneSummary(versions.size(), 1, versions.size() - 1, List.of()));
  }

  private static List<String> snapshots(InMemoryZfs zfs) {
    return zfs.list(List.of(FS), Set.of()).get(0).versions().stream()
        .map(FilesystemVersion::name)
        .toList();
  }

  private static int destroyedFact(StepResult result) {
    return result.facts().stream()
        .filter(f -> f instanceof StepFact.SnapshotsDestroyed)
        .mapToInt(f -> ((StepFact.SnapshotsDestroyed) f).count())
        .sum();
  }

  @Test
  void aZfsThatTakesAListDestroysAFilesystemsSnapshotsInOneCommand() {
    InMemoryZfs zfs = model(ZfsCapabilities.openZfs(), "a", "b", "c", "d");
    zfs.hooks().resetCounts();

    StepResult result =
        new PruneFilesystem("local", FS, keepNewest(zfs), zfs::destroySnapshots)
            .run(new StepControl());

    assertThat(zfs.hooks().count(Op.DESTROY)).isEqualTo(1);
    assertThat(snapshots(zfs)).containsExactly("d");
    assertThat(result.summary()).isEqualTo("local src/fs: destroyed 3, kept 1");
    assertThat(destroyedFact(result)).isEqualTo(3);
  }

  @Test
  void zfsFuseDestroysOneSnapshotPerCommandWithTheSameOutcome() {
    InMemoryZfs zfs = model(ZfsCapabilities.zfsFuse(), "a", "b", "c", "d");
    zfs.hooks().resetCounts();

    StepResult result =
        new PruneFilesystem("local", FS, keepNewest(zfs), zfs::destroySnapshots)
            .run(new StepControl());

    assertThat(zfs.hooks().count(Op.DESTROY)).isEqualTo(3);
    assertThat(snapshots(zfs)).containsExactly("d");
    assertThat(destroyedFact(result)).isEqualTo(3);
  }

  @Test
  void aHeldSnapshotIsLeftForTheNextCycleAndTheOthersStillGo() {
    InMemoryZfs zfs = model(ZfsCapabilities.openZfs(), "a", "b", "c", "d");
    zfs.hold(FS.snapshot("b"), "someone");

    StepResult result =
        new PruneFilesystem("receiver sink", FS, keepNewest(zfs), zfs::destroySnapshots)
            .run(new StepControl());

    assertThat(snapshots(zfs)).containsExactly("b", "d");
    assertThat(result.summary())
        .isEqualTo(
            "receiver sink src/fs: destroyed 2, kept 1, left for next cycle: b (busy or held)");
    assertThat(destroyedFact(result)).isEqualTo(2);
  }

  @Test
  void anEndpointThatDestroysOneAtATimeSkipsWhatIsGoneAndFailsOnAnythingElse() {
    InMemoryZfs zfs = model(ZfsCapabilities.zfsFuse(), "a", "b", "c", "d");
    PruneOutcome outcome = keepNewest(zfs);
    zfs.destroySnapshot(FS.snapshot("a")); // by a person, meanwhile
    PruneFilesystem.Destroyer remote =
        (fs, names) -> DestroyResult.oneByOne(fs, names, zfs::destroySnapshot);

    StepResult result = new PruneFilesystem("sender", FS, outcome, remote).run(new StepControl());

    assertThat(snapshots(zfs)).containsExactly("d");
    assertThat(result.summary()).isEqualTo("sender src/fs: destroyed 2, kept 1");

    InMemoryZfs failing = model(ZfsCapabilities.zfsFuse(), "a", "b", "c");
    failing.hooks().failNext(Op.DESTROY, 1);
    PruneFilesystem.Destroyer oneByOne =
        (fs, names) -> DestroyResult.oneByOne(fs, names, failing::destroySnapshot);
    assertThatThrownBy(
            () ->
                new PruneFilesystem("sender", FS, keepNewest(failing), oneByOne)
                    .run(new StepControl()))
        .isInstanceOf(ZfsException.class);
    // The failure of one did not stop the other.
    assertThat(snapshots(failing)).hasSize(2).contains("c");
  }
}
