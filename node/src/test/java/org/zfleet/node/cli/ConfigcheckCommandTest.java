package org.zfleet.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class ConfigcheckCommandTest {

  static final String SAMPLE =
      """
      zfleet {
        node { name = "prod1" }
        jobs = [
          { name = "prod_to_backup", type = push, sink = "backup_sink"
            filesystems { "tank/data<" = true, "tank/data/tmp<" = false, "tank/data/my vm.disk" = true }
            snapshotting { type = periodic, prefix = "zfleet_", interval = 10m }
            pruning {
              keep-sender   = [ { type = not-replicated }, { type = last-n, count = 10 } ]
              keep-receiver = [ { type = grid, grid = "1x1h(keep=all) | 24x1h | 30x1d", regex = "^zfleet_" } ]
            }
            replication { stall-timeout = 1m, concurrency = 4 }
          }
          { name = "backup_sink", type = sink, root-fs = "backup/sink", clients = ["prod1"] }
          { name = "laptop", type = snap, filesystems { "rpool/home<" = true }
            snapshotting { type = cron, prefix = "auto_", cron = "*/15 * * * *" }
            pruning { keep = [ { type = last-n, count = 96, regex = "^auto_" } ] } }
        ]
      }
      """;

  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return ZfleetCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void issueSamplePasses() throws IOException {
    Path file = Files.writeString(dir.resolve("prod.conf"), SAMPLE);

    assertThat(run("configcheck", "--config", file.toString())).isEqualTo(0);
    assertThat(out.toString())
        .isEqualTo(
            file
                + ": OK: node prod1, 3 jobs: prod_to_backup (push), "
                + "backup_sink (sink), laptop (snap)\n");
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("..", "deploy", "examples"))) {
      return files.filter(f -> f.toString().endsWith(".conf")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyDeployExamplePasses(Path example) {
    assertThat(run("configcheck", "--config", example.toString())).as(out.toString()).isEqualTo(0);
    assertThat(out.toString()).contains(example + ": OK: node ");
  }

  @Test
  void thereAreThreeExamples() throws IOException {
    assertThat(examples().map(p -> p.getFileName().toString()))
        .contains("production-push.conf", "backup-pull.conf", "laptop-snap.conf");
  }

  @Test
  void brokenConfigPrintsEveryProblemAndExitsOne() throws IOException {
    String broken = SAMPLE.replace("24x1h |", "24x1hh |").replace("count = 96", "count = 0");
    Path file = Files.writeString(dir.resolve("prod.conf"), broken);

    assertThat(run("configcheck", "--config", file.toString())).isEqualTo(1);
    assertThat(out.toString())
        .isEqualTo(
            file
                + ":9: jobs[0].pruning.keep-receiver[0].grid: unknown unit \"hh\" in \"24x1hh\"\n"
                + file
                + ":16: jobs[2].pruning.keep[0].count: must be at least 1, got 0\n"
                + file
                + ": not valid: 2 errors\n");
  }

  @Test
  void jsonFormatListsProblemsWithLocations() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("p.conf"), SAMPLE.replace("sink = \"backup_sink\"", "sink = \"remote\""));

    assertThat(run("configcheck", "--config", file.toString(), "--format", "json")).isEqualTo(0);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("valid").asBoolean()).isTrue();
    assertThat(json.get("warnings").asInt()).isEqualTo(1);
    JsonNode problem = json.get("problems").get(0);
    assertThat(problem.get("severity").asText()).isEqualTo("warning");
    assertThat(problem.get("line").asInt()).isEqualTo(4);
    assertThat(problem.get("path").asText()).isEqualTo("jobs[0].sink");
    assertThat(json.get("jobs").get(1).get("type").asText()).isEqualTo("sink");
  }

  @Test
  void jsonFormatForAnInvalidFileExitsOne() throws IOException {
    Path file = Files.writeString(dir.resolve("p.conf"), "zfleet { jobs = [ { name = x } ] }");

    assertThat(run("configcheck", "--config", file.toString(), "--format", "json")).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("valid").asBoolean()).isFalse();
    assertThat(json.get("problems").get(0).get("text").asText())
        .isEqualTo(file + ":1: jobs[0].type: is missing: push, sink, pull, source or snap");
  }

  @Test
  void missingFileExitsOne() {
    Path file = dir.resolve("absent.conf");

    assertThat(run("configcheck", "--config", file.toString())).isEqualTo(1);
    assertThat(out.toString()).startsWith(file + ": no such file\n");
  }

  @Test
  void syntaxErrorExitsOneWithItsLine() throws IOException {
    Path file = Files.writeString(dir.resolve("s.conf"), "zfleet {\n  node { name = x\n");

    assertThat(run("configcheck", "--config", file.toString())).isEqualTo(1);
    assertThat(out.toString()).startsWith(file + ":3: ");
  }

  @Test
  void withoutConfigOptionTheInstalledConfigurationIsChecked() {
    run("configcheck");

    // Present (the package installed it) or not, the report names the default file.
    assertThat(out.toString() + err.toString()).contains("/etc/zfleet/zfleet.conf");
  }

  @Test
  void unknownFormatIsAUsageError() throws IOException {
    Path file = Files.writeString(dir.resolve("p.conf"), SAMPLE);

    assertThat(run("configcheck", "--config", file.toString(), "--format", "yaml")).isEqualTo(2);
    assertThat(err.toString()).contains("--format must be human or json, got \"yaml\"");
  }
}
