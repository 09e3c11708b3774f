package org.zfleet.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.Step;

class RestorePlannerTest {

  private static final List<FilesystemVersion> REPLICA = versions("a 1", "b 2", "c 3", "d 4");
  private static final DatasetName TARGET = DatasetName.of("tank/restored");

  /** target: null = absent; else its snapshots ("name txg", guid = txg * 100 as on the replica). */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "absent target: a full send of the snapshot asked for", "c", null, "new: full @c"),
        Arguments.of("absent target, newest asked for", "d", null, "new: full @d"),
        Arguments.of(
            "an older snapshot of the lineage: caught up", "d", "b 2", "catch-up: -I @b @d"),
        Arguments.of("already at the snapshot", "c", "a 1|c 3", "already there: c"),
        Arguments.of(
            "exists without snapshots",
            "c",
            "",
            "refused: tank/restored already exists and has no snapshot"),
        Arguments.of(
            "another lineage",
            "c",
            "x 9",
            "refused: tank/restored already exists and cannot be caught up: no common snapshot"),
        Arguments.of(
            "newer than asked for",
            "b",
            "c 3",
            "refused: tank/restored already exists and holds @c, newer than @b"),
        Arguments.of(
            "holds the snapshot and newer",
            "b",
            "b 2|c 3",
            "refused: tank/restored already exists and holds @c, newer than @b"),
        Arguments.of(
            "an own snapshot after the common one",
            "d",
            "b 2|own 20",
            "refused: tank/restored already exists and cannot be caught up: the receiver has snapshots newer"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(String name, String snapshot, String target, String expected) {
    FilesystemVersion asked =
        REPLICA.stream().filter(v -> v.name().equals(snapshot)).findFirst().orElseThrow();
    Optional<List<FilesystemVersion>> existing =
        target == null
            ? Optional.empty()
            : Optional.of(target.isEmpty() ? List.of() : versions(target.split("\\|")));

    RestorePlan plan = RestorePlanner.plan(REPLICA, asked, TARGET, existing);

    assertThat(describe(plan)).startsWith(expected);
  }

  private static String describe(RestorePlan plan) {
    if (plan instanceof RestorePlan.Sends sends) {
      return (sends.newDataset() ? "new: " : "catch-up: ")
          + String.join(", ", sends.steps().stream().map(Step::toString).toList());
    }
    if (plan instanceof RestorePlan.AlreadyThere there) {
      return "already there: " + there.snapshot().name();
    }
    return "refused: " + ((RestorePlan.Refused) plan).reason();
  }

  static List<FilesystemVersion> versions(String... specs) {
    return Arrays.stream(specs)
        .map(s -> s.split(" "))
        .map(
            p ->
                FilesystemVersion.snapshot(
                    p[0],
                    Long.parseLong(p[1]) * 100,
                    Long.parseLong(p[1]),
                    Instant.parse("2026-12-01T00:00:00Z").plusSeconds(Long.parseLong(p[1]))))
        .toList();
  }
}
