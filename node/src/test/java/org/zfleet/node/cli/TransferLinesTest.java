package org.zfleet.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.zfleet.node.daemon.Json;

class TransferLinesTest {

  private static final Instant NOW = Instant.parse("2026-11-28T12:00:10Z");

  @ParameterizedTest(name = "{0} of {1} in {2} columns")
  @CsvSource(
      delimiter = '|',
      value = {
        "0   | 100 | 10 | [..........]   0%",
        "50  | 100 | 10 | [#####.....]  50%",
        "100 | 100 | 10 | [##########] 100%",
        "150 | 100 | 10 | [##########] 100%",
        "5   | 0   | 4  | [....]   0%",
      })
  void barIsFilledByTheFractionDoneAndNeverOverflows(
      long done, long total, int width, String expected) {
    assertThat(TransferLines.bar(done, total, width)).isEqualTo(expected);
  }

  private static JsonNode json(String text) throws Exception {
    return Json.mapper().readTree(text);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "known size | 1048576 | false | 'sending, 1.0 MiB of 4.0 MiB at 1.0 MiB/s, ETA 3s'",
        "estimated  | 1048576 | true  | 'sending, 1.0 MiB of ~4.0 MiB (estimated) at 1.0 MiB/s, ETA 3s'",
        "no size    | -1      | false | 'sending, 1.0 MiB, size unknown at 1.0 MiB/s, ETA 3s'",
      })
  void runningStepFromTheMonitorsTransfer(
      String name, long bytes, boolean estimated, String expected) throws Exception {
    long size = bytes < 0 ? -1 : 4 * 1048576L;
    JsonNode monitor =
        json(
            """
            { "transfers": [ { "job": "push", "filesystem": "tank/a", "destination": "backup",
              "bytes": 1048576, "expectedBytes": %d, "estimated": %s,
              "bytesPerSecond": 1048576.0, "etaSeconds": 3 } ] }
            """
                .formatted(size, estimated));
    JsonNode running =
        json(
            """
            { "kind": "REPLICATE", "destination": "backup", "phase": "sending", "bytes": 1000,
              "since": "2026-11-28T12:00:00Z" }
            """);
    TransferLines lines = new TransferLines(Optional.of(monitor), NOW);
    assertThat(lines.running("push", "tank/a", running)).isEqualTo(expected);
    assertThat(lines.bar("push", "tank/a", running).isPresent()).isEqualTo(size > 0);
  }

  @Test
  void withoutTheMonitorTheRateIsTheAverageSinceTheStepBegan() throws Exception {
    JsonNode running =
        json(
            """
            { "kind": "REPLICATE", "destination": "backup", "phase": "sending",
              "bytes": 10485760, "since": "2026-11-28T12:00:00Z" }
            """);
    TransferLines lines = new TransferLines(Optional.empty(), NOW);
    assertThat(lines.running("push", "tank/a", running))
        .isEqualTo("sending, 10.0 MiB at 1.0 MiB/s");
    assertThat(lines.bar("push", "tank/a", running)).isEmpty();
  }
}
