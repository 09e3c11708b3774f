package org.zfleet.prune;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.FilesystemVersion;

/** The input of {@code zfleet test prune --snapshots FILE}. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OfflineSnapshotListTest {

  @Test
  void readsNamesAndCreationsSkippingBlanksAndComments() {
    String text =
        "# exported from zfs list\n"
            + "zfleet_20261128T133219Z\t2026-11-28T13:32:19Z\n"
            + "\n"
            + "   # indented comment\n"
            + "manual before upgrade\t2026-11-01T00:00:00+01:00\r\n"
            + "zfleet_20261128T120000Z\t 2026-11-28T12:00:00Z \n";
    OfflineSnapshotList parsed = OfflineSnapshotList.parse(text);
    assertThat(parsed)
        .isEqualTo(
            new OfflineSnapshotList.Parsed(
                List.of(
                    FilesystemVersion.snapshot(
                        "zfleet_20261128T133219Z", 3, 3, Instant.parse("2026-11-28T13:32:19Z")),
                    FilesystemVersion.snapshot(
                        "manual before upgrade", 1, 1, Instant.parse("2026-10-31T23:00:00Z")),
                    FilesystemVersion.snapshot(
                        "zfleet_20261128T120000Z", 2, 2, Instant.parse("2026-11-28T12:00:00Z")))));
  }

  @Test
  void anEmptyFileIsAnEmptyList() {
    assertThat(OfflineSnapshotList.parse("")).isEqualTo(new OfflineSnapshotList.Parsed(List.of()));
    assertThat(OfflineSnapshotList.parse("# nothing yet\n\n"))
        .isEqualTo(new OfflineSnapshotList.Parsed(List.of()));
  }

  static Stream<Arguments> badLines() {
    return Stream.of(
        Arguments.of("no tab", "a 2026-01-01T00:00:00Z", "line 2: expected <name><TAB><creation>"),
        Arguments.of(
            "two tabs", "a\t2026-01-01T00:00:00Z\textra", "line 2: expected <name><TAB><creation>"),
        Arguments.of(
            "not an instant",
            "a\t2026-01-01 00:00",
            "line 2: creation \"2026-01-01 00:00\" is not"),
        Arguments.of(
            "a date without time", "a\t2026-01-01", "line 2: creation \"2026-01-01\" is not"),
        Arguments.of(
            "a full snapshot name",
            "pool/fs@a\t2026-01-01T00:00:00Z",
            "line 2: \"pool/fs@a\": give the snapshot name without the dataset"),
        Arguments.of(
            "a character ZFS refuses",
            "a*b\t2026-01-01T00:00:00Z",
            "line 2: invalid snapshot name \"a*b\""),
        Arguments.of(
            "an empty name", "\t2026-01-01T00:00:00Z", "line 2: invalid snapshot name \"\""),
        Arguments.of(
            "a name listed twice",
            "first\t2026-01-02T00:00:00Z",
            "line 2: snapshot first already listed on line 1"));
  }

  @ParameterizedTest(name = "rejects {0}")
  @MethodSource("badLines")
  void badLinesAreReportedWithTheirNumber(String description, String line, String expected) {
    OfflineSnapshotList parsed =
        OfflineSnapshotList.parse("first\t2026-01-01T00:00:00Z\n" + line + "\n");
    assertThat(parsed).isInstanceOf(OfflineSnapshotList.Invalid.class);
    List<OfflineSnapshotList.LineError> errors = ((OfflineSnapshotList.Invalid) parsed).errors();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).toString()).startsWith(expected);
  }

  @Test
  void everyBadLineIsReportedNotOnlyTheFirst() {
    OfflineSnapshotList parsed =
        OfflineSnapshotList.parse("a\tyesterday\nb\t2026-01-01T00:00:00Z\nc\n");
    assertThat(((OfflineSnapshotList.Invalid) parsed).errors())
        .extracting(OfflineSnapshotList.LineError::line)
        .containsExactly(1, 3);
  }

  @Test
  void aParsedListPrunesOffline() {
    OfflineSnapshotList parsed =
        OfflineSnapshotList.parse(
            "zfleet_20260101T000000Z\t2026-01-01T00:00:00Z\n"
                + "zfleet_20260101T010000Z\t2026-01-01T01:00:00Z\n"
                + "zfleet_20260101T020000Z\t2026-01-01T02:00:00Z\n");
    List<FilesystemVersion> snaps = ((OfflineSnapshotList.Parsed) parsed).snapshots();
    PruneOutcome outcome =
        Pruner.evaluate(snaps, Snaps.all(Snaps.lastN(2)), PruneContext.offline());
    assertThat(Snaps.names(Snaps.evaluated(outcome).toDestroy()))
        .containsExactly("zfleet_20260101T000000Z");
  }
}
