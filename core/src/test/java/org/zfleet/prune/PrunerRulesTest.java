package org.zfleet.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.prune.Snaps.all;
import static org.zfleet.prune.Snaps.destroyed;
import static org.zfleet.prune.Snaps.grid;
import static org.zfleet.prune.Snaps.lastN;
import static org.zfleet.prune.Snaps.notRegex;
import static org.zfleet.prune.Snaps.regex;
import static org.zfleet.prune.Snaps.snaps;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.config.KeepRule;
import org.zfleet.model.FilesystemVersion;

/** last-n, regex, not-replicated, and how rules combine. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PrunerRulesTest {

  private static final List<FilesystemVersion> FOUR = snaps("a -3h", "b -2h", "c -1h", "d 0");
  private static final KeepRule NOT_REPLICATED = new KeepRule.NotReplicated();

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of("no rules: nothing is destroyed", FOUR, all(), List.of()),
        Arguments.of("last-n keeps the N youngest", FOUR, all(lastN(2)), List.of("a", "b")),
        Arguments.of(
            "last-n breaks ties on creation by name, descending",
            snaps("x -2h", "a -1h", "b -1h", "c -1h"),
            all(lastN(2)),
            List.of("x", "a")),
        Arguments.of(
            "last-n does not keep snapshots its regex does not match",
            snaps("a_1 -3h", "b_1 -2h", "a_2 -1h", "b_2 0"),
            all(lastN(1, "^a_")),
            List.of("a_1", "b_1")),
        Arguments.of(
            "last-n with more room than matches keeps the matches only",
            snaps("a_1 -3h", "b_1 -2h", "a_2 -1h", "b_2 0"),
            all(lastN(10, "^a_")),
            List.of("b_1")),
        Arguments.of(
            "regex keeps the names it matches",
            snaps("keep_1 -2h", "other_1 -1h", "keep_2 -30m", "other_2 0"),
            all(regex("^keep_")),
            List.of("other_1")),
        Arguments.of(
            "negated regex keeps the names it does not match",
            snaps("keep_1 -2h", "other_1 -1h", "keep_2 -30m", "other_2 0"),
            all(notRegex("^keep_")),
            List.of("keep_1", "keep_2")),
        Arguments.of(
            "regex matches anywhere in the name",
            snaps("zfleet_daily_1 -1h", "zfleet_hourly -30m", "z 0"),
            all(regex("daily")),
            List.of("zfleet_hourly")),
        Arguments.of(
            "a snapshot survives if any rule keeps it",
            snaps("a -5h", "b -3h", "c -2h", "d -1h30m", "e 0"),
            all(grid("1x1h", ".*"), lastN(3)),
            List.of("a", "b")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void rulesDestroyExactly(
      String description,
      List<FilesystemVersion> snaps,
      PrunePolicy policy,
      List<String> expected) {
    assertThat(destroyed(snaps, policy)).containsExactlyElementsOf(expected);
  }

  static Stream<Arguments> cursors() {
    return Stream.of(
        Arguments.of(
            "keeps from the cursor on, the cursor's own snapshot included",
            List.of(new CursorState.Known("sink-1", 2, 2)),
            List.of("a")),
        Arguments.of(
            "fan-out keeps from the oldest cursor",
            List.of(new CursorState.Known("sink-1", 3, 3), new CursorState.Known("sink-2", 2, 2)),
            List.of("a")),
        Arguments.of(
            "a cursor whose snapshot is gone still marks its transaction group",
            List.of(new CursorState.Known("sink-1", 99, 3)),
            List.of("a", "b")),
        Arguments.of(
            "a cursor at the youngest snapshot leaves the older ones to other rules",
            List.of(new CursorState.Known("sink-1", 4, 4)),
            List.of("a", "b", "c")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cursors")
  void notReplicatedKeepsWhatADestinationLacks(
      String description, List<CursorState> cursors, List<String> expected) {
    PruneContext context = PruneContext.offline();
    for (CursorState cursor : cursors) {
      context = context.withCursor(cursor);
    }
    PruneOutcome outcome = Pruner.evaluate(FOUR, all(NOT_REPLICATED), context);
    assertThat(Snaps.names(Snaps.evaluated(outcome).toDestroy()))
        .containsExactlyElementsOf(expected);
  }

  static Stream<Arguments> missingCursors() {
    return Stream.of(
        Arguments.of("no cursor known at all", List.of(), "(no destination cursor known)"),
        Arguments.of(
            "the only destination lacks its cursor",
            List.of(new CursorState.Missing("sink-1")),
            "for sink-1"),
        Arguments.of(
            "one of two destinations lacks its cursor",
            List.of(new CursorState.Known("sink-1", 2, 2), new CursorState.Missing("sink-2")),
            "for sink-2"));
  }

  @ParameterizedTest(name = "refused: {0}")
  @MethodSource("missingCursors")
  void notReplicatedRefusesWithoutEveryCursor(
      String description, List<CursorState> cursors, String detail) {
    PruneContext context = PruneContext.offline();
    for (CursorState cursor : cursors) {
      context = context.withCursor(cursor);
    }
    PruneOutcome outcome = Pruner.evaluate(FOUR, all(lastN(1), NOT_REPLICATED), context);
    assertThat(outcome)
        .isEqualTo(
            new PruneOutcome.Refused(
                PruneOutcome.Refusal.REPLICATION_CURSOR_MISSING,
                "prune refused: replication cursor missing " + detail));
  }

  @Test
  void aMissingCursorDoesNotMatterWithoutNotReplicated() {
    PruneContext context = PruneContext.offline().withCursor(new CursorState.Missing("sink-1"));
    PruneOutcome outcome = Pruner.evaluate(FOUR, all(lastN(2)), context);
    assertThat(Snaps.names(Snaps.evaluated(outcome).toDestroy())).containsExactly("a", "b");
  }

  @Test
  void aSnapshotKeptByTwoRulesNamesBoth() {
    PruneOutcome outcome =
        Pruner.evaluate(FOUR, all(lastN(2), regex("^c$")), PruneContext.offline());
    assertThat(Snaps.reasons(outcome, "c")).containsExactly("last-n(2)", "regex(^c$)");
    assertThat(Snaps.reasons(outcome, "d")).containsExactly("youngest snapshot", "last-n(2)");
  }
}
