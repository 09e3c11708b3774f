package org.zfleet.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code zfleet test prune --snapshots FILE --json} reproduces the rule tables of core's
 * PrunerRulesTest and PrunerGridTest: the same snapshot lists and rules, written as an operator
 * would write them, give the same verdicts line by line.
 */
@Timeout(60)
class TestPruneOfflineTest {

  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Pattern OFFSET_PART = Pattern.compile("(\\d+)([dhms])");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  static Stream<Arguments> ruleTables() {
    return Stream.of(
        // PrunerRulesTest
        table(
            "last-n keeps the N youngest",
            "{ type = last-n, count = 2 }",
            List.of("a -3h", "b -2h", "c -1h", "d 0"),
            List.of("a", "b")),
        table(
            "last-n breaks ties on creation by name, descending",
            "{ type = last-n, count = 2 }",
            List.of("x -2h", "a -1h", "b -1h", "c -1h"),
            List.of("x", "a")),
        table(
            "last-n does not keep snapshots its regex does not match",
            "{ type = last-n, count = 1, regex = \"^a_\" }",
            List.of("a_1 -3h", "b_1 -2h", "a_2 -1h", "b_2 0"),
            List.of("a_1", "b_1")),
        table(
            "negated regex keeps the names it does not match",
            "{ type = regex, regex = \"^keep_\", negate = true }",
            List.of("keep_1 -2h", "other_1 -1h", "keep_2 -30m", "other_2 0"),
            List.of("keep_1", "keep_2")),
        table(
            "a snapshot survives if any rule keeps it",
            "{ type = grid, grid = \"1x1h\", regex = \".*\" }, { type = last-n, count = 3 }",
            List.of("a -5h", "b -3h", "c -2h", "d -1h30m", "e 0"),
            List.of("a", "b")),
        // PrunerGridTest
        table(
            "a snapshot exactly one bucket old belongs to the older bucket",
            "{ type = grid, grid = \"2x1h(keep=1)\", regex = \".*\" }",
            List.of("w -1h30m", "x -1h", "y -30m", "z 0"),
            List.of("x")),
        table(
            "the grid is anchored at the youngest matching snapshot, not at the clock",
            "{ type = grid, grid = \"1x1h | 1x1d\", regex = \".*\" }",
            List.of("a -10d", "b -9d23h", "c -9d"),
            List.of("b")),
        table(
            "keep=all keeps every snapshot of its bucket",
            "{ type = grid, grid = \"1x1h(keep=all) | 2x1h(keep=1)\", regex = \".*\" }",
            List.of("a -2h30m", "b -2h10m", "c -1h30m", "d -50m", "e -20m", "f 0"),
            List.of("b")),
        table(
            "two grids with different regexes each anchor at their own youngest",
            "{ type = grid, grid = \"1x1h | 1x1d\", regex = \"^h_\" }, { type = grid, grid = \"1x7d\", regex = \"^d_\" }",
            List.of("d_1 -6d", "d_2 -3d", "d_3 -2d", "h_1 -1d", "h_2 -20h", "h_3 -30m", "h_4 0"),
            List.of("d_2", "h_2")),
        table(
            "ties on creation: the smaller name counts as older",
            "{ type = grid, grid = \"1x1h(keep=1)\", regex = \".*\" }",
            List.of("b -30m", "a -30m", "c 0"),
            List.of("b")));
  }

  private static Arguments table(
      String name, String rules, List<String> snapshots, List<String> destroyed) {
    return Arguments.of(name, rules, snapshots, destroyed);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ruleTables")
  void offlineModeGivesTheVerdictsOfTheRuleTables(
      String name, String rules, List<String> snapshots, List<String> destroyed)
      throws IOException {
    Path list = snapshotFile(snapshots);

    int exit =
        run(
            "test",
            "prune",
            "--config",
            config("all", rules).toString(),
            "--job",
            "rules",
            "--snapshots",
            list.toString(),
            "--json");

    assertThat(exit).as(err.toString()).isZero();
    List<JsonNode> lines = jsonLines();
    assertThat(lines)
        .extracting(l -> l.path("snapshot").asText())
        .containsExactlyElementsOf(snapshots.stream().map(s -> s.split(" ")[0]).toList());
    for (JsonNode line : lines) {
      String snapshot = line.path("snapshot").asText();
      assertThat(line.path("action").asText())
          .as(snapshot)
          .isEqualTo(destroyed.contains(snapshot) ? "destroy" : "keep");
      assertThat(line.path("reason").asText()).as(snapshot).isNotBlank();
      assertThat(line.path("filesystem").asText()).isEqualTo(list.getFileName().toString());
    }
  }

  @Test
  void zreplDocumentationGridOverTenDaysOfHourlySnapshots() throws IOException {
    List<String> specs = new ArrayList<>();
    for (int hoursAgo = 240; hoursAgo >= 0; hoursAgo--) {
      specs.add("s" + hoursAgo + " -" + hoursAgo + "h");
    }
    Path list = snapshotFile(specs);
    String rules =
        "{ type = grid, grid = \"1x1h(keep=all) | 24x1h | 35x1d | 6x30d\", regex = \".*\" }";

    assertThat(
            run(
                "test",
                "prune",
                "--config",
                config("all", rules).toString(),
                "--job",
                "rules",
                "--snapshots",
                list.toString(),
                "--json"))
        .as(err.toString())
        .isZero();

    // [0,1h): s0; 24 hourly buckets: s1..s24; then one per day, the oldest of each: s48 ... s240.
    List<String> expectedKept = new ArrayList<>();
    for (int day = 10; day >= 2; day--) {
      expectedKept.add("s" + (day * 24));
    }
    for (int h = 24; h >= 0; h--) {
      expectedKept.add("s" + h);
    }
    List<JsonNode> lines = jsonLines();
    assertThat(lines).hasSize(241);
    assertThat(
            lines.stream()
                .filter(l -> l.path("action").asText().equals("keep"))
                .map(l -> l.path("snapshot").asText()))
        .containsExactlyElementsOf(expectedKept);
  }

  @Test
  void eachKeptSnapshotNamesEveryRuleThatKeepsIt() throws IOException {
    Path list = snapshotFile(List.of("a -3h", "b -2h", "c -1h", "d 0"));
    String rules = "{ type = last-n, count = 2 }, { type = regex, regex = \"^c$\" }";

    run(
        "test",
        "prune",
        "--config",
        config("all", rules).toString(),
        "--job",
        "rules",
        "--snapshots",
        list.toString(),
        "--json");

    List<JsonNode> lines = jsonLines();
    assertThat(lines.get(0).path("reason").asText()).isEqualTo("no rule keeps it");
    assertThat(lines.get(2).path("reason").asText()).isEqualTo("last-n(2); regex(^c$)");
    assertThat(lines.get(3).path("reason").asText()).isEqualTo("youngest snapshot; last-n(2)");
  }

  @Test
  void scopeOwnKeepsAndReportsOtherToolsSnapshotsAndNamesThatDoNotParse() throws IOException {
    Path list =
        snapshotFile(
            List.of(
                "zfleet_20260301T090000Z -3h",
                "manual_1 -2h30m",
                "zfleet_20260301T100000Z -2h",
                "zfleet_garbage -1h30m",
                "zfleet_20260301T110000Z -1h",
                "zfleet_20260301T120000Z 0"));

    assertThat(
            run(
                "test",
                "prune",
                "--config",
                config("own", "{ type = last-n, count = 2 }").toString(),
                "--job",
                "rules",
                "--snapshots",
                list.toString(),
                "--json"))
        .as(err.toString())
        .isZero();

    List<JsonNode> lines = jsonLines();
    assertThat(lines)
        .extracting(l -> l.path("action").asText())
        .containsExactly("destroy", "keep", "destroy", "keep", "keep", "keep");
    assertThat(lines.get(1).path("reason").asText()).contains("not named by this job");
    assertThat(lines.get(3).path("reason").asText()).contains("name does not parse");
  }

  @Test
  void withoutJsonEachSnapshotIsALineWithItsActionAndReason() throws IOException {
    Path list = snapshotFile(List.of("a -3h", "b -2h", "c -1h", "d 0"));

    assertThat(
            run(
                "test",
                "prune",
                "--config",
                config("all", "{ type = last-n, count = 2 }").toString(),
                "--job",
                "rules",
                "--snapshots",
                list.toString()))
        .isZero();

    assertThat(out.toString().lines().toList())
        .containsExactly(
            list.getFileName().toString(),
            "  destroy  a  no rule keeps it",
            "  destroy  b  no rule keeps it",
            "  keep     c  last-n(2)",
            "  keep     d  youngest snapshot; last-n(2)");
  }

  @Test
  void malformedLinesAreAllReportedWithFileAndLineAndNothingIsJudged() throws IOException {
    Path list =
        Files.writeString(
            dir.resolve("bad.tsv"),
            String.join(
                "\n",
                "# name<TAB>creation",
                "a 2026-03-01T10:00:00Z",
                "b\tyesterday",
                "tank/x@c\t2026-03-01T11:00:00Z",
                "d\t2026-03-01T12:00:00Z",
                "d\t2026-03-01T13:00:00Z",
                "e\t2026-03-01T14:00:00Z\textra",
                ""));

    int exit =
        run(
            "test",
            "prune",
            "--config",
            config("all", "{ type = last-n, count = 2 }").toString(),
            "--job",
            "rules",
            "--snapshots",
            list.toString(),
            "--json");

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    List<String> errors =
        err.toString().lines().filter(l -> l.startsWith(list.toString())).toList();
    assertThat(errors).hasSize(5);
    assertThat(errors.get(0)).startsWith(list + ":2: ").contains("<name><TAB><creation>");
    assertThat(errors.get(1))
        .startsWith(list + ":3: ")
        .contains("\"yesterday\"")
        .contains("ISO-8601");
    assertThat(errors.get(2)).startsWith(list + ":4: ").contains("without the dataset");
    assertThat(errors.get(3)).startsWith(list + ":6: ").contains("already listed on line 5");
    assertThat(errors.get(4)).startsWith(list + ":7: ").contains("<name><TAB><creation>");
  }

  @Test
  void aMissingSnapshotListIsOneClearLine() throws IOException {
    Path missing = dir.resolve("missing.tsv");

    int exit =
        run(
            "test",
            "prune",
            "--config",
            config("all", "{ type = last-n, count = 2 }").toString(),
            "--job",
            "rules",
            "--snapshots",
            missing.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo("zfleet: cannot read " + missing + ": no such file");
  }

  // ---- helpers

  private int run(String... args) {
    return ZfleetCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private Path config(String scope, String rules) throws IOException {
    return Files.writeString(
        dir.resolve("rules.conf"),
        """
        zfleet {
          node { name = "n1" }
          jobs = [ {
            name = "rules", type = snap
            filesystems { "tank/x<" = true }
            snapshotting { type = periodic, prefix = "zfleet_", interval = 10m }
            pruning { scope = %s, keep = [ %s ] }
          } ]
        }
        """
            .formatted(scope, rules));
  }

  /**
   * One line per {@code "<name> <offset from T0>"}, e.g. {@code "a -1h30m"}, in the given order.
   */
  private Path snapshotFile(List<String> specs) throws IOException {
    StringBuilder text = new StringBuilder("# snapshot<TAB>creation\n");
    for (String spec : specs) {
      String[] parts = spec.split(" ");
      text.append(parts[0]).append('\t').append(time(parts[1])).append('\n');
    }
    return Files.writeString(dir.resolve("snapshots.tsv"), text.toString());
  }

  private static Instant time(String offset) {
    if (offset.equals("0")) {
      return T0;
    }
    Matcher m = OFFSET_PART.matcher(offset.substring(1));
    Duration d = Duration.ZERO;
    while (m.find()) {
      long v = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "d" -> Duration.ofDays(v);
                case "h" -> Duration.ofHours(v);
                case "m" -> Duration.ofMinutes(v);
                default -> Duration.ofSeconds(v);
              });
    }
    return offset.startsWith("-") ? T0.minus(d) : T0.plus(d);
  }

  private List<JsonNode> jsonLines() throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().lines().toList()) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }
}
