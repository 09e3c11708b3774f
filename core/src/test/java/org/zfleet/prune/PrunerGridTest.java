package org.zfleet.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.prune.Snaps.all;
import static org.zfleet.prune.Snaps.destroyed;
import static org.zfleet.prune.Snaps.grid;
import static org.zfleet.prune.Snaps.snaps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.FilesystemVersion;

/** The grid rule, with every other guard out of the way (offline, scope = all). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PrunerGridTest {

  static Stream<Arguments> grids() {
    return Stream.of(
        Arguments.of("empty list: nothing to destroy", snaps(), all(grid("1x1h", ".*")), List.of()),
        Arguments.of(
            "a snapshot exactly one bucket old belongs to the older bucket",
            snaps("w -1h30m", "x -1h", "y -30m", "z 0"),
            all(grid("2x1h(keep=1)", ".*")),
            List.of("x")),
        Arguments.of(
            "a snapshot exactly as old as the whole grid is not kept",
            snaps("a -2h", "b -1h59m", "c 0"),
            all(grid("2x1h", ".*")),
            List.of("a")),
        Arguments.of(
            "the grid is anchored at the youngest matching snapshot, not at the clock",
            snaps("a -10d", "b -9d23h", "c -9d"),
            all(grid("1x1h | 1x1d", ".*")),
            List.of("b")),
        Arguments.of(
            "keep=all keeps every snapshot of its bucket",
            snaps("a -2h30m", "b -2h10m", "c -1h30m", "d -50m", "e -20m", "f 0"),
            all(grid("1x1h(keep=all) | 2x1h(keep=1)", ".*")),
            List.of("b")),
        Arguments.of(
            "keep=2 keeps the two oldest of a bucket",
            snaps("a -20h", "b -15h", "c -10h", "d -5h", "e 0"),
            all(grid("1x1d(keep=2)", ".*")),
            List.of("c", "d")),
        Arguments.of(
            "keep above the bucket's content keeps all of it",
            snaps("a -10h", "b -5h", "c 0"),
            all(grid("1x1d(keep=5)", ".*")),
            List.of()),
        Arguments.of(
            "an empty bucket takes nothing from its neighbours",
            snaps("a -2h30m", "b -2h10m", "c 0"),
            all(grid("3x1h", ".*")),
            List.of("b")),
        Arguments.of(
            "snapshots not matching the regex are not kept by the grid",
            snaps("a1 -3h", "b1 -2h", "a2 -40m", "a3 -20m", "b2 0"),
            all(grid("1x1h(keep=1)", "^a")),
            List.of("a1", "b1")),
        Arguments.of(
            "two grids with different regexes each anchor at their own youngest",
            snaps("d_1 -6d", "d_2 -3d", "d_3 -2d", "h_1 -1d", "h_2 -20h", "h_3 -30m", "h_4 0"),
            all(grid("1x1h | 1x1d", "^h_"), grid("1x7d", "^d_")),
            List.of("d_2", "h_2")),
        Arguments.of(
            "ties on creation: the smaller name counts as older",
            snaps("b -30m", "a -30m", "c 0"),
            all(grid("1x1h(keep=1)", ".*")),
            List.of("b")),
        Arguments.of(
            "all snapshots at the anchor's time share the first bucket",
            snaps("a 0", "b 0", "c 0"),
            all(grid("1x1h(keep=1)", ".*")),
            List.of("b")),
        Arguments.of(
            "the anchor survives a first bucket that keeps only its oldest",
            snaps("a -50m", "b -40m", "c -10m", "d 0"),
            all(grid("1x1h(keep=1)", "^[abc]")),
            List.of("b")),
        Arguments.of(
            "grid regexes match anywhere in the name",
            snaps("x_daily_1 -3d", "x_hourly_1 -2d", "x_daily_2 -1d", "y 0"),
            all(grid("1x7d(keep=all)", "daily")),
            List.of("x_hourly_1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("grids")
  void gridDestroysExactly(
      String description,
      List<FilesystemVersion> snaps,
      PrunePolicy policy,
      List<String> expected) {
    assertThat(destroyed(snaps, policy)).containsExactlyElementsOf(expected);
  }

  @Test
  void zreplDocumentationGridOverTenDaysOfHourlySnapshots() {
    List<String> specs = new ArrayList<>();
    for (int hoursAgo = 240; hoursAgo >= 0; hoursAgo--) {
      specs.add("s" + hoursAgo + " -" + hoursAgo + "h");
    }
    List<FilesystemVersion> snaps = snaps(specs.toArray(String[]::new));
    PrunePolicy policy = all(grid("1x1h(keep=all) | 24x1h | 35x1d | 6x30d", ".*"));

    PruneOutcome.Evaluated outcome =
        Snaps.evaluated(Pruner.evaluate(snaps, policy, PruneContext.offline()));

    // [0,1h): s0; 24 hourly buckets: s1..s24; [25h, 25h+35d): the 216 older hours fill nine days,
    // each keeping its oldest: s48, s72, ..., s240.
    List<String> expectedKept = new ArrayList<>();
    for (int day = 10; day >= 2; day--) {
      expectedKept.add("s" + (day * 24));
    }
    for (int h = 24; h >= 0; h--) {
      expectedKept.add("s" + h);
    }
    assertThat(Snaps.names(outcome.kept())).containsExactlyElementsOf(expectedKept);
    assertThat(outcome.summary().destroyed()).isEqualTo(241 - 34);
  }
}
