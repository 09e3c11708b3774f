package org.zfleet.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.zfleet.node.health.FreshnessStateFile;
import org.zfleet.node.health.ReplicaRecord;

/**
 * {@code zfleet check freshness} without a daemon (a pull job: the data-dir's state alone) and with
 * bad input, which is UNKNOWN (3) with a message saying why.
 */
class CheckCommandTest {

  @TempDir Path dir;

  private Path config() throws Exception {
    return Files.writeString(
        dir.resolve("zfleet.conf"),
        """
        zfleet {
          node { name = "b1", data-dir = "%s", cluster { bind = "127.0.0.1:%d" } }
          jobs = [ { name = "pull_p", type = pull, source = "src", root-fs = "backup/p", interval = 10m
                     pruning { keep-sender = [ { type = not-replicated } ], keep-receiver = [ { type = last-n, count = 3 } ] }
                     replication { freshness { warn = 1h, critical = 3h } } } ]
        }
        """
            .formatted(dir, 20000 + (int) (ProcessHandle.current().pid() % 20000)));
  }

  private void saved(long ageMinutes) throws Exception {
    Instant created = Instant.now().minusSeconds(ageMinutes * 60);
    new FreshnessStateFile(dir)
        .write(
            List.of(
                new ReplicaRecord(
                    "pull_p",
                    "tank/data",
                    "src",
                    Optional.of("s1"),
                    Optional.of(created),
                    Optional.of(created),
                    "ok",
                    "",
                    Optional.of(created))));
  }

  private record Run(int code, String out) {}

  private Run check(String... args) {
    StringWriter out = new StringWriter();
    int code =
        ZfleetCommand.execute(
            new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), args);
    return new Run(code, out.toString());
  }

  @ParameterizedTest(name = "{0} minutes old: exit {1}")
  @CsvSource({"10, 0, FRESHNESS OK", "90, 1, FRESHNESS WARNING", "200, 2, FRESHNESS CRITICAL"})
  void withoutADaemonTheStateFileIsJudgedByTheJobsThresholds(long minutes, int code, String head)
      throws Exception {
    saved(minutes);
    Run run = check("check", "freshness", "--config", config().toString());
    assertThat(run.code()).as(run.out()).isEqualTo(code);
    assertThat(run.out()).startsWith(head + " - 1 replica(s) of node b1");
    assertThat(run.out().lines().count()).isEqualTo(code == 0 ? 1 : 2);
  }

  @Test
  void commandLineAgesOverrideTheJobs() throws Exception {
    saved(10);
    Run run =
        check(
            "check", "freshness", "--config", config().toString(), "--warn", "5m", "--crit", "8m");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.out()).contains("CRITICAL pull_p tank/data -> src:");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--job nope | no push or pull job named nope",
        "--warn soon | --warn: \"soon\" is not an age",
        "--warn 2h --crit 1h | --crit 1h is shorter than --warn 2h",
        "--crit 0s | must be more than zero",
        "--bogus | Unknown option",
      })
  void badInputIsUnknownWithAClearMessage(String extra, String message) throws Exception {
    saved(10);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args =
        new java.util.ArrayList<>(List.of("check", "freshness", "--config", config().toString()));
    args.addAll(List.of(extra.trim().split(" ")));
    int code =
        ZfleetCommand.execute(
            new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
    assertThat(code).isEqualTo(3);
    assertThat(out + err.toString()).contains(message);
  }
}
