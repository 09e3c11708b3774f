package org.zfleet.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.Yaml;
import org.zfleet.job.JobEvent;
import org.zfleet.job.StepFact;
import org.zfleet.job.StepId;
import org.zfleet.job.StepKind;
import org.zfleet.job.StepResult;

/**
 * The Grafana dashboard and the Prometheus alert rules in deploy/ name only series the node
 * exports; the rules pass {@code promtool check rules} and zfleet's own series {@code promtool
 * check metrics}. Also: per-filesystem series stop at the configured limit, the aggregates do not.
 */
@Timeout(60)
class MonitoringFilesTest {

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Pattern SERIES =
      Pattern.compile("\\b((?:zfleet|jvm|process|system)_[a-zA-Z0-9_]+)\\b");

  /** A node's metrics with every zfleet series present at least once. */
  static NodeMetrics everything(int limit) {
    NodeMetrics metrics = new NodeMetrics("n1", limit);
    metrics.registerJob("push");
    Instant now = Instant.parse("2026-11-28T12:00:00Z");
    for (JobEvent.Outcome outcome : JobEvent.Outcome.values()) {
      metrics.onEvent(
          new JobEvent.StepEnded(
              new StepId("push", "tank/a", StepKind.REPLICATE, "backup", 1),
              outcome,
              Duration.ofSeconds(3),
              StepResult.of("x")
                  .with(new StepFact.SnapshotsTaken("s1", 2))
                  .with(new StepFact.SnapshotsDestroyed("sender", 1)),
              "",
              now));
    }
    metrics.commandEnded(List.of("/sbin/zfs", "get"), Duration.ofMillis(20), true);
    metrics.replication().addBytes("push", "backup", 1000);
    metrics
        .replication()
        .replicas(
            List.of(
                new ReplicationGauges.Replica("push", "tank/a", "backup", 60, 30, "ok"),
                new ReplicationGauges.Replica("push", "tank/b", "backup", 9000, 30, "warning"),
                new ReplicationGauges.Replica("push", "tank/c", "backup", 99, 30, "ok")));
    metrics.replication().transfers(List.of(new ReplicationGauges.Transfer("push", "backup", 5e6)));
    metrics
        .replication()
        .certificates(List.of(new ReplicationGauges.Certificate("node", now.plusSeconds(86400))));
    return metrics;
  }

  static Set<String> names(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  private static List<String> grafanaExpressions() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(DEPLOY.resolve("grafana/zfleet-dashboard.json").toFile());
    List<String> exprs = new ArrayList<>();
    dashboard.findValues("expr").forEach(e -> exprs.add(e.asText()));
    dashboard
        .findValues("query")
        .forEach(
            q -> {
              if (q.isTextual() && q.asText().contains("(")) {
                exprs.add(q.asText());
              }
            });
    return exprs;
  }

  @SuppressWarnings("unchecked")
  private static List<String> alertExpressions() throws Exception {
    Map<String, Object> rules =
        new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/zfleet-alerts.yml")));
    List<String> exprs = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        exprs.add(String.valueOf(rule.get("expr")));
      }
    }
    return exprs;
  }

  @Test
  void everySeriesTheDashboardAndTheAlertsNameIsExported() throws Exception {
    Set<String> exported = names(everything(100).scrape());
    List<String> exprs = new ArrayList<>(grafanaExpressions());
    exprs.addAll(alertExpressions());
    assertThat(exprs).hasSizeGreaterThan(15);
    Set<String> named = new TreeSet<>();
    for (String expr : exprs) {
      Matcher m = SERIES.matcher(expr);
      while (m.find()) {
        named.add(m.group(1));
      }
    }
    assertThat(named)
        .contains(
            "zfleet_replica_age_max_seconds",
            "zfleet_steps_total",
            "zfleet_certificate_expiry_timestamp_seconds");
    assertThat(exported).containsAll(named);
  }

  @Test
  void theAlertRulesPassPromtool() throws Exception {
    assertThat(
            promtool("check", "rules", DEPLOY.resolve("prometheus/zfleet-alerts.yml").toString()))
        .isZero();
  }

  @Test
  void zfleetsOwnSeriesPassPromtoolsLint() throws Exception {
    StringBuilder own = new StringBuilder();
    for (String line : everything(100).scrape().split("\n")) {
      String name = line.startsWith("# ") ? line.split(" ")[2] : line;
      if (name.startsWith("zfleet_")) {
        own.append(line).append('\n');
      }
    }
    Path file = Files.createTempFile("zfleet-metrics", ".txt");
    Files.writeString(file, own, StandardCharsets.UTF_8);
    try {
      assertThat(promtool(file.toFile(), "check", "metrics")).isZero();
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void perFilesystemSeriesStopAtTheLimitAndAggregatesCoverTheRest() {
    String scrape = everything(2).scrape();
    assertThat(scrape.lines().filter(l -> l.startsWith("zfleet_replica_age_seconds{"))).hasSize(2);
    assertThat(scrape).contains("zfleet_replica_series_dropped{node=\"n1\"} 1.0");
    assertThat(scrape)
        .contains(
            "zfleet_replica_age_max_seconds{destination=\"backup\",job=\"push\",node=\"n1\"} 9000.0")
        .contains(
            "zfleet_replicas{destination=\"backup\",freshness=\"ok\",job=\"push\",node=\"n1\"} 2.0");
  }

  private static int promtool(String... args) throws Exception {
    return promtool(null, args);
  }

  private static int promtool(File stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (stdin != null) {
      builder.redirectInput(stdin);
    }
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(output).as("promtool %s", command).doesNotContain("FAILED");
    System.out.println(output);
    return p.exitValue();
  }
}
