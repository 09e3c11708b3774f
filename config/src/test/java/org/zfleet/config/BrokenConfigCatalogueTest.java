package org.zfleet.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in {@code broken/} states, in {@code # expect:} lines at its end, the exact problems
 * (line, key path, message) loading it must report, in order; {@code # valid:} marks files whose
 * problems are only warnings.
 */
@Timeout(30)
class BrokenConfigCatalogueTest {

  static Stream<Arguments> catalogue() throws IOException, URISyntaxException {
    Path dir = Path.of(BrokenConfigCatalogueTest.class.getResource("/broken").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".conf"))
          .sorted()
          .map(f -> Arguments.of(f.getFileName().toString(), f))
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogue")
  void reportsTheExpectedLocationAndMessage(String name, Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<String> expected =
        lines.stream()
            .filter(l -> l.startsWith("# expect: "))
            .map(l -> l.substring("# expect: ".length()))
            .toList();
    boolean valid = lines.stream().anyMatch(l -> l.startsWith("# valid:"));

    LoadResult result = ConfigLoader.load(file, "testhost");

    String prefix = file.toString() + ":";
    List<String> actual =
        result.problems().stream()
            .map(ConfigProblem::format)
            .peek(p -> assertThat(p).startsWith(prefix))
            .map(p -> p.substring(prefix.length()).trim())
            .toList();
    assertThat(actual).containsExactlyElementsOf(expected);
    assertThat(result.config().isPresent()).as("valid").isEqualTo(valid);
  }

  @Test
  void catalogueHasAtLeastThirtyBrokenConfigs() throws Exception {
    assertThat(catalogue().count()).isGreaterThanOrEqualTo(30);
  }

  @Test
  void missingFileIsOneErrorWithoutLine(@org.junit.jupiter.api.io.TempDir Path dir) {
    LoadResult result = ConfigLoader.load(dir.resolve("nope.conf"), "h");

    assertThat(result.config()).isEmpty();
    assertThat(result.problems())
        .extracting(ConfigProblem::format)
        .containsExactly(dir.resolve("nope.conf") + ": no such file");
  }

  @Test
  void directoryIsNotAConfigFile(@org.junit.jupiter.api.io.TempDir Path dir) {
    LoadResult result = ConfigLoader.load(dir, "h");

    assertThat(result.problems())
        .extracting(ConfigProblem::format)
        .containsExactly(dir + ": is a directory, not a configuration file");
  }

  @Test
  void problemsInAnIncludedFileNameThatFile(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    Files.writeString(dir.resolve("jobs.conf"), "\n\njobs = [ { name = x, type = snap } ]\n");
    Path main =
        Files.writeString(dir.resolve("main.conf"), "zfleet {\n  include \"jobs.conf\"\n}\n");

    LoadResult result = ConfigLoader.load(main, "h");

    assertThat(result.problems())
        .extracting(ConfigProblem::format)
        .containsExactly(
            dir.resolve("jobs.conf")
                + ":3: jobs[0].filesystems: is missing: which datasets the job works on, e.g. { \"tank/data<\" = true }",
            dir.resolve("jobs.conf")
                + ":3: jobs[0].snapshotting: is missing: when to take snapshots, e.g. { type = periodic, prefix = \"zfleet_\", interval = 10m }",
            dir.resolve("jobs.conf")
                + ":3: jobs[0].pruning: is missing: which snapshots to keep: keep");
  }
}
