package org.zfleet.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.zfleet.prune.Snaps.all;
import static org.zfleet.prune.Snaps.evaluated;
import static org.zfleet.prune.Snaps.grid;
import static org.zfleet.prune.Snaps.names;
import static org.zfleet.prune.Snaps.reasons;
import static org.zfleet.prune.Snaps.regex;
import static org.zfleet.prune.Snaps.snaps;

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

/** What is kept whatever the rules say: youngest, this cycle, protections, scope, bookmarks. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PrunerGuardsTest {

  /** Keeps nothing by itself: every verdict below comes from the guards. */
  private static final PrunePolicy KEEP_NONE = all(regex("^never$"));

  private static final SnapshotNaming ZFLEET = new SnapshotNaming("zfleet_");

  @Test
  void theYoungestSnapshotIsNeverDestroyed() {
    PruneOutcome outcome =
        Pruner.evaluate(snaps("a -2h", "b -1h", "c 0"), KEEP_NONE, PruneContext.offline());
    assertThat(names(evaluated(outcome).toDestroy())).containsExactly("a", "b");
    assertThat(reasons(outcome, "c")).containsExactly("youngest snapshot");
  }

  @Test
  void amongEqualCreationsTheGreatestNameIsTheYoungest() {
    PruneOutcome outcome =
        Pruner.evaluate(snaps("b 0", "c 0", "a 0"), KEEP_NONE, PruneContext.offline());
    assertThat(names(evaluated(outcome).kept())).containsExactly("c");
  }

  @Test
  void snapshotsOfTheCurrentCycleAreKeptToTheSecond() {
    // The cycle started 0.7 s into the second ZFS recorded as b's creation.
    Instant cycleStart = Snaps.time("-10m").plusMillis(700);
    PruneOutcome outcome =
        Pruner.evaluate(
            snaps("a -10m1s", "b -10m", "c -5m", "d 0"), KEEP_NONE, PruneContext.cycle(cycleStart));
    assertThat(names(evaluated(outcome).toDestroy())).containsExactly("a");
    assertThat(reasons(outcome, "b")).containsExactly("taken in the current cycle");
    assertThat(reasons(outcome, "d"))
        .containsExactly("youngest snapshot", "taken in the current cycle");
  }

  @Test
  void theCyclesOwnSnapshotDrawsTheLineWhenTheLastCyclesWasCreatedInTheSameSecond() {
    // The last cycle's snapshot was named in the second before, but ZFS created it in the second
    // this cycle started and took "this"; "later" came after it.
    Instant cycleStart = Snaps.time("0").plusMillis(200);
    List<FilesystemVersion> snaps = snaps("old -1h", "last 0", "this 0", "later +1s");
    PruneOutcome outcome =
        Pruner.evaluate(snaps, KEEP_NONE, PruneContext.cycle(cycleStart, "this"));
    assertThat(names(evaluated(outcome).toDestroy())).containsExactly("old", "last");
    assertThat(reasons(outcome, "this")).containsExactly("taken in the current cycle");
    assertThat(reasons(outcome, "later"))
        .containsExactly("youngest snapshot", "taken in the current cycle");

    // A filesystem without the cycle's snapshot (it failed there) falls back to the time.
    PruneOutcome without =
        Pruner.evaluate(
            snaps("old -1h", "last 0"), KEEP_NONE, PruneContext.cycle(cycleStart, "this"));
    assertThat(names(evaluated(without).toDestroy())).containsExactly("old");
    assertThat(reasons(without, "last"))
        .containsExactly("youngest snapshot", "taken in the current cycle");
  }

  @Test
  void protectedSnapshotsAreKeptWithTheirReasons() {
    List<FilesystemVersion> snaps = snaps("a -3h", "b -2h", "c -1h", "d 0");
    PruneContext context =
        PruneContext.offline()
            .withProtection(Protection.ofGuid(2, "incremental base for sink-1"))
            .withProtection(Protection.ofName("c", "in flight"))
            .withProtection(Protection.ofGuid(2, "incremental base for sink-2"));
    PruneOutcome outcome = Pruner.evaluate(snaps, KEEP_NONE, context);
    assertThat(names(evaluated(outcome).toDestroy())).containsExactly("a");
    assertThat(reasons(outcome, "b"))
        .containsExactly("incremental base for sink-1", "incremental base for sink-2");
    assertThat(reasons(outcome, "c")).containsExactly("in flight");
  }

  @Test
  void scopeOwnJudgesOnlyTheJobsOwnNames() {
    List<FilesystemVersion> snaps =
        snaps(
            "zfleet_20260301T080000Z 2026-03-01T08:00:00Z",
            "manual_before_upgrade 2026-03-01T09:00:00Z",
            "zfleet_20260301T100000Z 2026-03-01T10:00:00Z",
            "zfleet_20260301T110000Z 2026-03-01T11:00:00Z");
    PruneOutcome outcome =
        Pruner.evaluate(
            snaps,
            new PrunePolicy(List.of(regex("^never$")), PruneScope.own(ZFLEET)),
            PruneContext.offline());
    assertThat(names(evaluated(outcome).toDestroy()))
        .containsExactly("zfleet_20260301T080000Z", "zfleet_20260301T100000Z");
    assertThat(reasons(outcome, "manual_before_upgrade"))
        .containsExactly("not named by this job (prefix zfleet_, scope = own)");
  }

  @Test
  void scopeAllJudgesEverySnapshotAsZreplDoes() {
    List<FilesystemVersion> snaps =
        snaps(
            "zfleet_20260301T080000Z -3h",
            "manual_before_upgrade -2h",
            "zfleet_20260301T100000Z 0");
    PruneOutcome outcome = Pruner.evaluate(snaps, KEEP_NONE, PruneContext.offline());
    assertThat(names(evaluated(outcome).toDestroy()))
        .containsExactly("zfleet_20260301T080000Z", "manual_before_upgrade");
  }

  @Test
  void withScopeOwnTheGridAnchorsAtTheYoungestOwnSnapshot() {
    // The foreign snapshot is younger; anchoring there would push the own ones out of the grid.
    List<FilesystemVersion> snaps =
        snaps(
            "zfleet_20260301T080000Z 2026-03-01T08:00:00Z",
            "zfleet_20260301T090000Z 2026-03-01T09:00:00Z",
            "zfleet_20260301T093000Z 2026-03-01T09:30:00Z",
            "zfleet_20260301T100000Z 2026-03-01T10:00:00Z",
            "manual_1 2026-03-05T00:00:00Z");
    PrunePolicy policy =
        new PrunePolicy(List.of(grid("1x1h(keep=all) | 1x1h", ".*")), PruneScope.own(ZFLEET));
    PruneOutcome outcome = Pruner.evaluate(snaps, policy, PruneContext.offline());
    assertThat(names(evaluated(outcome).toDestroy())).containsExactly("zfleet_20260301T080000Z");
  }

  @Test
  void namesWithThePrefixThatDoNotParseAreKeptAndReported() {
    List<FilesystemVersion> snaps =
        snaps(
            "zfleet_20260301T080000Z -4h",
            "zfleet_20260230T000000Z -3h",
            "zfleet_hourly_1 -2h",
            "zfleet_20260301T110000Z 0");
    PruneOutcome outcome =
        Pruner.evaluate(
            snaps,
            new PrunePolicy(List.of(regex("^never$")), PruneScope.own(ZFLEET)),
            PruneContext.offline());
    PruneOutcome.Evaluated evaluated = evaluated(outcome);
    assertThat(names(evaluated.toDestroy())).containsExactly("zfleet_20260301T080000Z");
    assertThat(evaluated.summary().unparseableNames())
        .containsExactly("zfleet_20260230T000000Z", "zfleet_hourly_1");
    assertThat(reasons(outcome, "zfleet_hourly_1").get(0)).startsWith("name does not parse: ");
    assertThat(evaluated.summary())
        .isEqualTo(
            new PruneSummary(4, 3, 1, List.of("zfleet_20260230T000000Z", "zfleet_hourly_1")));
  }

  @Test
  void bookmarksAreKeptAndNeverCountAsTheYoungest() {
    List<FilesystemVersion> versions = new ArrayList<>(snaps("a -2h", "b -1h"));
    versions.add(FilesystemVersion.bookmark("zfleet_cursor", 9, 9, Snaps.time("+1h")));
    PruneOutcome outcome = Pruner.evaluate(versions, KEEP_NONE, PruneContext.offline());
    assertThat(names(evaluated(outcome).toDestroy())).containsExactly("a");
    assertThat(reasons(outcome, "zfleet_cursor"))
        .containsExactly("bookmark (pruning judges snapshots only)");
    assertThat(reasons(outcome, "b")).containsExactly("youngest snapshot");
  }

  @Test
  void decisionsFollowTheInputOrderWhateverItIs() {
    List<FilesystemVersion> snaps =
        new ArrayList<>(snaps("a -4h", "b -3h", "c -2h", "d -1h", "e 0"));
    Collections.shuffle(snaps, new Random(7));
    PruneOutcome.Evaluated outcome =
        evaluated(Pruner.evaluate(snaps, all(Snaps.lastN(2)), PruneContext.offline()));
    assertThat(outcome.decisions().stream().map(SnapshotDecision::version).toList())
        .containsExactlyElementsOf(snaps);
    assertThat(names(outcome.kept())).containsExactlyInAnyOrder("d", "e");
  }

  @Test
  void twoSnapshotsWithOneNameAreRejected() {
    assertThatThrownBy(
            () -> Pruner.evaluate(snaps("a -1h", "a 0"), KEEP_NONE, PruneContext.offline()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("snapshot @a appears twice in the list");
  }
}
