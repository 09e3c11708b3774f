package org.zfleet.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The node's logging and metrics settings and a job's freshness thresholds. */
@Timeout(30)
class MonitoringSettingsTest {

  private static final String PUSH =
      """
      { name = "%1$s", type = push, sink = "s"
        filesystems { "tank/%1$s" = true }
        snapshotting { type = periodic, prefix = "zfleet_", interval = 10m }
        pruning { keep-sender = [ { type = not-replicated } ], keep-receiver = [ { type = last-n, count = 3 } ] }
        %2$s
      }
      """;

  private static ZfleetConfig load(String text) {
    LoadResult result = ConfigLoader.parse(text, "m.conf", "host1");
    assertThat(result.errors()).isEmpty();
    return result.config().orElseThrow();
  }

  @Test
  void defaultsAreHumanLogsFiveHundredSeriesAndTwoAndSixHours() {
    ZfleetConfig config =
        load(
            "zfleet { jobs = [ "
                + PUSH.formatted("p", "")
                + " { name = s, type = sink, root-fs = \"b/s\", clients = [host1] } ] }");
    assertThat(config.node().logging().format()).isEqualTo(NodeConfig.Logging.Format.HUMAN);
    assertThat(config.node().metrics().filesystemSeriesLimit()).isEqualTo(500);
    PushJob push = (PushJob) config.job("p").orElseThrow();
    assertThat(push.replication().freshness())
        .isEqualTo(new Replication.Freshness(Duration.ofHours(2), Duration.ofHours(6)));
  }

  @Test
  void jsonLogsAndASeriesLimitAreTakenFromTheNode() {
    ZfleetConfig config =
        load("zfleet.node { logging { format = json }, metrics { filesystem-series-limit = 0 } }");
    assertThat(config.node().logging().format()).isEqualTo(NodeConfig.Logging.Format.JSON);
    assertThat(config.node().metrics().filesystemSeriesLimit()).isZero();
  }

  @Test
  void freshnessFallsBackKeyByKeyFromJobDefaultsToTheJob() {
    ZfleetConfig config =
        load(
            "zfleet { job-defaults.replication.freshness { warn = 30m }, jobs = [ "
                + PUSH.formatted("a", "")
                + PUSH.formatted("b", "replication { freshness { critical = 1d } }")
                + " ] }");
    assertThat(((PushJob) config.job("a").orElseThrow()).replication().freshness())
        .isEqualTo(new Replication.Freshness(Duration.ofMinutes(30), Duration.ofHours(6)));
    assertThat(((PushJob) config.job("b").orElseThrow()).replication().freshness())
        .isEqualTo(new Replication.Freshness(Duration.ofMinutes(30), Duration.ofDays(1)));
  }

  @Test
  void anUnknownLogFormatAndANegativeLimitAreErrorsWithTheirLines() {
    LoadResult result =
        ConfigLoader.parse(
            "zfleet.node {\n  logging { format = yaml }\n  metrics { filesystem-series-limit = -1 }\n}",
            "m.conf",
            "host1");
    assertThat(result.config()).isEmpty();
    assertThat(result.errors())
        .extracting(ConfigProblem::format)
        .anySatisfy(
            p -> assertThat(p).startsWith("m.conf:2: node.logging.format:").contains("yaml"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("m.conf:3: node.metrics.filesystem-series-limit:")
                    .contains("-1"));
  }
}
