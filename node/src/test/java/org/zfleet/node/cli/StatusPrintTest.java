package org.zfleet.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.zfleet.node.daemon.Json;

class StatusPrintTest {

  @ParameterizedTest
  @CsvSource({
    "true,  false, false, '    ok      replicate to backup: now at @s1', true",
    "false, false, false, '    FAILED  replicate to backup: now at @s1', false",
    "false, true,  false, '    STALLED replicate to backup: now at @s1', false",
    "false, false, true,  '    waiting replicate to backup: now at @s1', false",
  })
  void eachOutcomeIsLabelledAndOnlySuccessIsHealthy(
      boolean ok, boolean stalled, boolean waiting, String line, boolean healthy) throws Exception {
    JsonNode status =
        Json.mapper()
            .readTree(
                """
        { "node": "prod", "jobs": [ { "job": "push", "phase": "idle", "cycle": 3, "filesystems": [
          { "filesystem": "tank/data", "lastOutcomes": [
            { "kind": "REPLICATE", "destination": "backup", "ok": %s, "summary": "now at @s1",
              "at": "2026-11-28T12:00:00Z", "stalled": %s, "waiting": %s } ] } ] } ] }
        """
                    .formatted(ok, stalled, waiting));
    StringWriter out = new StringWriter();
    boolean printedHealthy =
        StatusCommand.print(
            status, new PrintWriter(out, true), Instant.parse("2026-11-28T12:00:05Z"));
    assertThat(out.toString()).contains(line + " (2026-11-28T12:00:00Z)");
    assertThat(printedHealthy).isEqualTo(healthy);
  }
}
