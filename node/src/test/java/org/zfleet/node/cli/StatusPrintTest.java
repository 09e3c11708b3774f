package org.zfleet.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.zfleet.node.daemon.Json;

class StatusPrintTest {

  private static final Instant NOW = Instant.parse("2026-11-28T12:00:05Z");

  @ParameterizedTest
  @CsvSource({
    "true,  false, false, '    ok      replicate to backup: now at @s1', true",
    "false, false, false, '    FAILED  replicate to backup: now at @s1', false",
    "false, true,  false, '    STALLED replicate to backup: now at @s1', false",
    "false, false, true,  '    waiting replicate to backup: now at @s1', false",
  })
  void eachOutcomeIsLabelledWithAHumanTimeAndOnlySuccessIsHealthy(
      boolean ok, boolean stalled, boolean waiting, String line, boolean healthy) throws Exception {
    JsonNode status =
        Json.mapper()
            .readTree(
                """
        { "node": "prod", "jobs": [ { "job": "push", "phase": "idle", "cycle": 3, "filesystems": [
          { "filesystem": "tank/data", "lastOutcomes": [
            { "kind": "REPLICATE", "destination": "backup", "ok": %s, "summary": "now at @s1",
              "at": "2026-11-28T11:57:00Z", "stalled": %s, "waiting": %s } ] } ] } ] }
        """
                    .formatted(ok, stalled, waiting));
    StringWriter out = new StringWriter();
    boolean printedHealthy =
        new StatusView(status, Optional.empty(), NOW, false)
            .print(new PrintWriter(out, true), Optional.empty());
    assertThat(out.toString()).contains(line + " (3m ago)");
    assertThat(printedHealthy).isEqualTo(healthy);
  }

  @Test
  void aRunningTransferShowsBytesOfTheEstimateRateEtaAndInWatchModeABar() throws Exception {
    JsonNode status =
        Json.mapper()
            .readTree(
                """
        { "node": "prod", "jobs": [ { "job": "push", "phase": "replicating", "cycle": 3,
          "nextSnapshot": "2026-11-28T12:10:05Z", "filesystems": [
          { "filesystem": "tank/data", "running": { "kind": "REPLICATE", "destination": "backup",
            "phase": "sending full @s1", "bytes": 1073741824, "expectedBytes": -1,
            "since": "2026-11-28T11:59:00Z" }, "lastOutcomes": [] } ] } ],
          "passiveJobs": [ "sink" ] }
        """);
    JsonNode monitor =
        Json.mapper()
            .readTree(
                """
        { "replicas": [ { "job": "push", "filesystem": "tank/data", "destination": "backup",
            "ageSeconds": 7500, "freshness": "warning" } ],
          "transfers": [ { "job": "push", "filesystem": "tank/data", "destination": "backup",
            "bytes": 1073741824, "expectedBytes": 4294967296, "estimated": true,
            "bytesPerSecond": 104857600, "etaSeconds": 31 } ],
          "certificates": [ { "name": "node", "path": "/etc/zfleet/tls/prod.crt",
            "notAfter": "2026-12-08T12:00:05Z", "daysLeft": 10, "level": "warning" } ] }
        """);
    StringWriter out = new StringWriter();
    new StatusView(status, Optional.of(monitor), NOW, true)
        .print(new PrintWriter(out, true), Optional.of("push"));
    assertThat(out.toString())
        .contains(
            "job push: replicating, cycle 3, 1 filesystem(s) (1 running, 0 failed), oldest replica"
                + " 2h5m (1 not fresh), next snapshot in 10m")
        .contains(
            "    running replicate to backup: sending full @s1, 1.0 GiB of ~4.0 GiB (estimated) at"
                + " 100.0 MiB/s, ETA 31s")
        .contains("    [##########..............................]  25%")
        .contains("certificate node: WARNING, expires in 10d")
        .doesNotContain("job sink");
  }

  @Test
  void aTransferWhoseSizeIsNotKnownYetSaysSoAndShowsNoPercentage() throws Exception {
    // Monitoring estimates a transfer's size only once it has moved some MiB: until then the
    // daemon's status and the monitor's transfer both say -1.
    JsonNode status =
        Json.mapper()
            .readTree(
                """
        { "node": "prod", "jobs": [ { "job": "push", "phase": "replicating", "cycle": 3,
          "filesystems": [
          { "filesystem": "tank/data", "running": { "kind": "REPLICATE", "destination": "backup",
            "phase": "sending full @s1", "bytes": 3145728, "expectedBytes": -1,
            "since": "2026-11-28T12:00:04Z" }, "lastOutcomes": [] } ] } ] }
        """);
    JsonNode monitor =
        Json.mapper()
            .readTree(
                """
        { "replicas": [], "certificates": [],
          "transfers": [ { "job": "push", "filesystem": "tank/data", "destination": "backup",
            "bytes": 3145728, "expectedBytes": -1, "estimated": false,
            "bytesPerSecond": 4194304, "etaSeconds": null } ] }
        """);
    StringWriter out = new StringWriter();
    new StatusView(status, Optional.of(monitor), NOW, true)
        .print(new PrintWriter(out, true), Optional.empty());
    assertThat(out.toString())
        .contains(
            "    running replicate to backup: sending full @s1, 3.0 MiB, size unknown at 4.0 MiB/s")
        .doesNotContain("%")
        .doesNotContain("[#");
  }

  @Test
  void transfersOtherNodesAskedOfThisOneShowTheirPeerAndABindingProblemMakesItUnhealthy()
      throws Exception {
    JsonNode status =
        Json.mapper()
            .readTree(
                """
        { "node": "beta", "jobs": [], "passiveJobs": [ "sink", "source" ],
          "peerTransfers": [
            { "direction": "incoming", "peer": "alpha", "job": "sink",
              "dataset": "backup/alpha/data", "phase": "receiving", "bytes": 1073741824,
              "since": "2026-11-28T11:59:00Z" },
            { "direction": "outgoing", "peer": "gamma", "job": "source",
              "dataset": "tank/home", "phase": "sending", "bytes": 2048,
              "since": "2026-11-28T11:59:30Z" } ],
          "problems": [ "sink backup is offered by gamma too; bound to beta" ] }
        """);
    JsonNode monitor =
        Json.mapper()
            .readTree(
                """
        { "peerTransfers": [ { "direction": "incoming", "peer": "alpha", "job": "sink",
            "dataset": "backup/alpha/data", "bytes": 1073741824, "bytesPerSecond": 83886080 } ] }
        """);
    StringWriter out = new StringWriter();
    boolean healthy =
        new StatusView(status, Optional.of(monitor), NOW, false)
            .print(new PrintWriter(out, true), Optional.empty());
    assertThat(out.toString())
        .contains(
            "incoming from alpha backup/alpha/data: receiving, 1.0 GiB at 80.0 MiB/s (job sink)")
        .contains("outgoing to gamma tank/home: sending, 2.0 KiB (job source)")
        .contains("PROBLEM sink backup is offered by gamma too; bound to beta");
    assertThat(healthy).isFalse();

    StringWriter onlySource = new StringWriter();
    new StatusView(status, Optional.empty(), NOW, false)
        .print(new PrintWriter(onlySource, true), Optional.of("source"));
    assertThat(onlySource.toString()).contains("outgoing to gamma").doesNotContain("incoming");
  }

  @ParameterizedTest
  @CsvSource({"0, 0s", "59, 59s", "60, 1m", "3599, 59m", "3600, 1h", "7500, 2h5m", "90000, 1d1h"})
  void agesAreCoarseAndShort(long seconds, String text) {
    assertThat(Ages.human(Duration.ofSeconds(seconds))).isEqualTo(text);
  }

  @Test
  void onlyJobKeepsTheDaemonsFieldsForOneJob() throws Exception {
    String body =
        "{\"node\":\"n\",\"jobs\":[{\"job\":\"a\",\"cycle\":1},{\"job\":\"b\",\"cycle\":2}],"
            + "\"passiveJobs\":[\"s\"]}";
    assertThat(StatusCommand.onlyJob(body, "b"))
        .isEqualTo("{\"node\":\"n\",\"jobs\":[{\"job\":\"b\",\"cycle\":2}],\"passiveJobs\":[]}");
  }
}
