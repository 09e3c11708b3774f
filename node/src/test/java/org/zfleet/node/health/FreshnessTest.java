package org.zfleet.node.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.zfleet.config.Replication;
import org.zfleet.job.JobEvent;
import org.zfleet.job.StepFact;
import org.zfleet.job.StepId;
import org.zfleet.job.StepKind;
import org.zfleet.job.StepResult;

class FreshnessTest {

  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final Replication.Freshness T =
      new Replication.Freshness(Duration.ofHours(2), Duration.ofHours(6));

  private static ReplicaRecord replica(String fs, Optional<Duration> age) {
    return new ReplicaRecord(
        "push",
        fs,
        "backup",
        age.map(a -> "s1"),
        age.map(NOW::minus),
        Optional.empty(),
        "ok",
        "",
        Optional.empty());
  }

  @ParameterizedTest(name = "{0} old is {1}")
  @CsvSource({
    "0, OK",
    "7199, OK",
    "7200, WARNING",
    "21599, WARNING",
    "21600, CRITICAL",
    "-1, UNKNOWN"
  })
  void ageAgainstWarnAndCritical(long seconds, FreshnessLevel level) {
    Optional<Duration> age =
        seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    assertThat(Freshness.judge(replica("tank/a", age), T, NOW).level()).isEqualTo(level);
  }

  @Test
  void theReportIsTheWorstLevelWithPerfdataThenTheOffendersWorstFirst() {
    Freshness.Report report =
        Freshness.report(
            List.of(
                Freshness.judge(replica("tank/a", Optional.of(Duration.ofMinutes(5))), T, NOW),
                Freshness.judge(replica("tank/b", Optional.of(Duration.ofHours(3))), T, NOW),
                Freshness.judge(replica("tank/c", Optional.of(Duration.ofHours(7))), T, NOW)),
            "node prod");
    assertThat(report.level()).isEqualTo(FreshnessLevel.CRITICAL);
    assertThat(report.level().exitCode()).isEqualTo(2);
    assertThat(report.summary())
        .isEqualTo(
            "FRESHNESS CRITICAL - 3 replica(s) of node prod: 1 ok, 1 warning, 1 critical, 0 unknown;"
                + " oldest 7h (tank/c -> backup) | oldest_age=25200s;7200;21600;0; ok=1 warning=1"
                + " critical=1 unknown=0");
    assertThat(report.offenders())
        .containsExactly(
            "CRITICAL push tank/c -> backup: newest replicated snapshot @s1 is 7h old (warn 2h,"
                + " critical 6h)",
            "WARNING push tank/b -> backup: newest replicated snapshot @s1 is 3h old (warn 2h,"
                + " critical 6h)");
  }

  @Test
  void nothingKnownIsUnknown() {
    assertThat(Freshness.report(List.of(), "job x").level()).isEqualTo(FreshnessLevel.UNKNOWN);
  }

  @Test
  void aReplicaMovesWithItsStepsAndSurvivesARestartInTheStateFile(@TempDir Path dir)
      throws Exception {
    FreshnessBoard board = new FreshnessBoard();
    StepId id = new StepId("push", "tank/a", StepKind.REPLICATE, "backup", 1);
    Instant created = NOW.minusSeconds(60);
    board.apply(
        new JobEvent.StepEnded(
            id,
            JobEvent.Outcome.OK,
            Duration.ofSeconds(3),
            StepResult.of("sent").with(new StepFact.ReplicaAt("s2", created)),
            "",
            NOW));
    board.apply(
        new JobEvent.StepEnded(
            new StepId("push", "tank/a", StepKind.REPLICATE, "backup", 2),
            JobEvent.Outcome.FAILED,
            Duration.ofSeconds(1),
            StepResult.of(""),
            "sink unreachable",
            NOW.plusSeconds(60)));
    ReplicaRecord r = board.replicas().get(0);
    assertThat(r.snapshot()).contains("s2");
    assertThat(r.snapshotCreated()).contains(created);
    assertThat(r.lastSuccess()).contains(NOW);
    assertThat(r.lastOutcome()).isEqualTo("failed");
    assertThat(board.failing())
        .extracting(FreshnessBoard.Failure::reason)
        .containsExactly("sink unreachable");

    FreshnessStateFile file = new FreshnessStateFile(dir);
    file.write(board.replicas());
    assertThat(file.read()).containsExactly(r);
    assertThat(dir.resolve(FreshnessStateFile.NAME + ".tmp")).doesNotExist();
  }
}
