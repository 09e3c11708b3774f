package org.zfleet.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.zfleet.model.DatasetName;

@Timeout(30)
class ConfigLoaderTest {

  static String resource(String name) throws IOException {
    try (InputStream in = ConfigLoaderTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aSinkOrSourceMayNameTheNodeThatRunsIt() {
    LoadResult result =
        ConfigLoader.parse(
            """
            zfleet {
              node.name = prod1
              jobs = [
                { name = p, type = push, sinks = [ "backup@beta", "archive" ]
                  filesystems { "tank<" = true }
                  snapshotting { type = periodic, prefix = "z_", interval = 10m }
                  pruning { keep-sender = [ { type = last-n, count = 5 } ], keep-receiver = [ { type = last-n, count = 5 } ] } }
                { name = q, type = pull, source = "prod@alpha", root-fs = "backup/pulled", interval = 10m
                  pruning { keep-sender = [ { type = last-n, count = 5 } ], keep-receiver = [ { type = last-n, count = 5 } ] } }
              ]
            }
            """,
            "nodes.conf",
            "prod1");

    assertThat(result.errors()).isEmpty();
    PushJob push = (PushJob) result.config().orElseThrow().job("p").orElseThrow();
    assertThat(push.sinks()).containsExactly("backup", "archive");
    assertThat(push.sinkNodes()).isEqualTo(java.util.Map.of("backup", "beta"));
    PullJob pull = (PullJob) result.config().orElseThrow().job("q").orElseThrow();
    assertThat(pull.source()).isEqualTo("prod");
    assertThat(pull.sourceNode()).contains("alpha");
  }

  @Test
  void issueSampleIsAcceptedExactlyAsWritten() throws IOException {
    LoadResult result =
        ConfigLoader.parse(resource("/valid/issue-sample.conf"), "sample.conf", "somehost");

    assertThat(result.problems()).isEmpty();
    ZfleetConfig config = result.config().orElseThrow();
    assertThat(config.node().name()).isEqualTo("prod1");
    assertThat(config.jobs())
        .extracting(JobConfig::name)
        .containsExactly("prod_to_backup", "backup_sink", "laptop");

    PushJob push = (PushJob) config.job("prod_to_backup").orElseThrow();
    assertThat(push.sinks()).containsExactly("backup_sink");
    assertThat(push.filesystems().selects(DatasetName.of("tank/data/x"))).isTrue();
    assertThat(push.filesystems().selects(DatasetName.of("tank/data/tmp/x"))).isFalse();
    assertThat(push.filesystems().rules())
        .extracting(FilesystemFilter.Rule::key)
        .containsExactlyInAnyOrder("tank/data<", "tank/data/tmp<", "tank/data/my vm.disk");
    assertThat(push.snapshotting())
        .isEqualTo(new Snapshotting.Periodic("zfleet_", Duration.ofMinutes(10), List.of()));
    assertThat(push.senderPruning().keep())
        .extracting(KeepRule::describe)
        .containsExactly("not-replicated", "last-n(10)");
    assertThat(push.senderPruning().scope()).isEqualTo(Pruning.Scope.OWN);
    KeepRule.Grid grid = (KeepRule.Grid) push.receiverPruning().keep().get(0);
    assertThat(grid.intervals())
        .containsExactly(
            new KeepRule.GridInterval(1, Duration.ofHours(1), OptionalInt.empty()),
            new KeepRule.GridInterval(24, Duration.ofHours(1), OptionalInt.of(1)),
            new KeepRule.GridInterval(30, Duration.ofDays(1), OptionalInt.of(1)));
    assertThat(grid.regex().pattern()).isEqualTo("^zfleet_");
    assertThat(push.replication())
        .isEqualTo(
            new Replication(
                4,
                Duration.ofMinutes(1),
                OptionalLong.empty(),
                Duration.ofSeconds(10),
                Duration.ofMinutes(10),
                Replication.InitialReplication.MOST_RECENT));

    SinkJob sink = (SinkJob) config.job("backup_sink").orElseThrow();
    assertThat(sink.rootFs()).isEqualTo(DatasetName.of("backup/sink"));
    assertThat(sink.clients()).containsExactly("prod1");

    SnapJob snap = (SnapJob) config.job("laptop").orElseThrow();
    assertThat(((Snapshotting.Cron) snap.snapshotting()).cron().text()).isEqualTo("*/15 * * * *");
    KeepRule.LastN lastN = (KeepRule.LastN) snap.pruning().keep().get(0);
    assertThat(lastN.count()).isEqualTo(96);
    assertThat(lastN.regex().map(Pattern::pattern)).isEqualTo(Optional.of("^auto_"));
  }

  /** Cron schedules read the node's clock: its time zone unless the job names another. */
  @Test
  void aCronScheduleReadsTheNodesTimeZoneUnlessTheJobNamesOne() {
    String jobs =
        String.join(
            "\n",
            "zfleet.jobs = [",
            "  { name = local, type = snap, filesystems { \"rpool<\" = true }",
            "    snapshotting { type = cron, prefix = \"a_\", cron = \"0 3 * * *\" }",
            "    pruning { keep = [ { type = last-n, count = 5, regex = \"^a_\" } ] } }",
            "  { name = berlin, type = snap, filesystems { \"tank<\" = true }",
            "    snapshotting { type = cron, prefix = \"b_\", cron = \"0 3 * * *\"",
            "      time-zone = \"Europe/Berlin\" }",
            "    pruning { keep = [ { type = last-n, count = 5, regex = \"^b_\" } ] } }",
            "  { name = utc, type = snap, filesystems { \"data<\" = true }",
            "    snapshotting { type = cron, prefix = \"c_\", cron = \"0 3 * * *\", time-zone = UTC }",
            "    pruning { keep = [ { type = last-n, count = 5, regex = \"^c_\" } ] } }",
            "]");
    LoadResult result = ConfigLoader.parse(jobs, "tz.conf", "host");
    assertThat(result.errors()).isEmpty();
    ZfleetConfig config = result.config().orElseThrow();

    assertThat(zoneOf(config, "local")).isEqualTo(java.time.ZoneId.systemDefault());
    assertThat(zoneOf(config, "berlin")).isEqualTo(java.time.ZoneId.of("Europe/Berlin"));
    assertThat(zoneOf(config, "utc")).isEqualTo(java.time.ZoneId.of("UTC"));
  }

  private static java.time.ZoneId zoneOf(ZfleetConfig config, String job) {
    return ((Snapshotting.Cron) ((SnapJob) config.job(job).orElseThrow()).snapshotting())
        .timeZone();
  }

  @Test
  void nodeDefaultsComeFromReferenceAndHostName() {
    LoadResult result = ConfigLoader.parse("zfleet { jobs = [] }", "n.conf", "backup1");

    NodeConfig node = result.config().orElseThrow().node();
    assertThat(node.name()).isEqualTo("backup1");
    assertThat(node.dataDir()).hasToString("/var/lib/zfleet");
    assertThat(node.cluster().bind()).isEqualTo(new HostPort("127.0.0.1", 25520));
    assertThat(node.control().port()).isEqualTo(28520);
    assertThat(node.management().bind()).isEqualTo(new HostPort("127.0.0.1", 26520));
    assertThat(node.dataPlane().port()).isEqualTo(27520);
    assertThat(node.limits()).isEqualTo(new NodeConfig.Limits(8, 4));
    assertThat(node.zfs()).isEqualTo(new NodeConfig.Zfs("zfs", "zpool", Duration.ofSeconds(60)));
    assertThat(node.tls().configured()).isFalse();
    assertThat(result.problems()).isEmpty();
  }

  @Test
  void derivedDefaultsFollowTheFilesOwnSettings() {
    String text =
        """
        zfleet {
          node {
            data-dir = /srv/zfleet
            cluster { bind = "10.0.0.5:25600", seed-nodes = ["10.0.0.4:25520"], roles = [backup] }
          }
          jobs = []
        }
        pekko.loglevel = DEBUG
        """;
    LoadResult result = ConfigLoader.parse(text, "n.conf", "h");

    NodeConfig node = result.config().orElseThrow().node();
    assertThat(node.control().port()).isEqualTo(28600);
    assertThat(node.management().bind()).isEqualTo(new HostPort("127.0.0.1", 26600));
    assertThat(node.dataPlane().port()).isEqualTo(27600);
    assertThat(node.cluster().seedNodes()).containsExactly(new HostPort("10.0.0.4", 25520));
    assertThat(node.cluster().roles()).containsExactly("backup");
    assertThat(result.hocon().orElseThrow().getString("pekko.loglevel")).isEqualTo("DEBUG");
  }

  @Test
  void theDataPlaneAdvertisesItsBindAddressUnlessToldAnother() {
    String node =
        """
        zfleet {
          node { data-dir = /srv/zfleet, cluster { bind = "10.0.0.5:25600" }%s }
          jobs = []
        }
        """;
    NodeConfig plain =
        ConfigLoader.parse(node.formatted(""), "n.conf", "h").config().orElseThrow().node();
    assertThat(plain.dataPlane().advertised(plain.cluster().bind()))
        .isEqualTo(new HostPort("10.0.0.5", 27600));

    NodeConfig relayed =
        ConfigLoader.parse(
                node.formatted(", data-plane { advertise = \"203.0.113.7:4443\" }"), "n.conf", "h")
            .config()
            .orElseThrow()
            .node();
    assertThat(relayed.dataPlane().port()).isEqualTo(27600);
    assertThat(relayed.dataPlane().advertised(relayed.cluster().bind()))
        .isEqualTo(new HostPort("203.0.113.7", 4443));

    LoadResult bad =
        ConfigLoader.parse(
            node.formatted(", data-plane { advertise = \"no port\" }"), "n.conf", "h");
    assertThat(bad.config()).isEmpty();
    assertThat(bad.errors())
        .extracting(ConfigProblem::path)
        .containsExactly("node.data-plane.advertise");
  }

  @Test
  void jobDefaultsApplyToEveryJobUnlessItSaysOtherwise() {
    String text =
        """
        zfleet {
          job-defaults.replication { concurrency = 3, bandwidth-limit = "20 MiB/s" }
          job-defaults.pruning.scope = all
          jobs = [
            { name = a, type = pull, source = s, root-fs = "pool/in", interval = manual
              pruning { keep-sender = [ { type = last-n, count = 1 } ], keep-receiver = [ { type = last-n, count = 5 } ] } }
            { name = b, type = pull, source = s2, root-fs = "pool/in2", interval = 1h
              replication { concurrency = 1, bandwidth-limit = none, initial-replication = all }
              pruning { scope = own, keep-sender = [ { type = last-n, count = 1 } ], keep-receiver = [ { type = last-n, count = 5 } ] } }
          ]
        }
        """;
    LoadResult result = ConfigLoader.parse(text, "p.conf", "h");

    assertThat(result.errors()).isEmpty();
    PullJob a = (PullJob) result.config().orElseThrow().job("a").orElseThrow();
    PullJob b = (PullJob) result.config().orElseThrow().job("b").orElseThrow();
    assertThat(a.replication().concurrency()).isEqualTo(3);
    assertThat(a.replication().bandwidthLimit()).hasValue(20L << 20);
    assertThat(a.replication().stallTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(a.interval()).isEmpty();
    assertThat(a.senderPruning().scope()).isEqualTo(Pruning.Scope.ALL);
    assertThat(b.replication().concurrency()).isEqualTo(1);
    assertThat(b.replication().bandwidthLimit()).isEmpty();
    assertThat(b.replication().initialReplication()).isEqualTo(Replication.InitialReplication.ALL);
    assertThat(b.interval()).contains(Duration.ofHours(1));
    assertThat(b.receiverPruning().scope()).isEqualTo(Pruning.Scope.OWN);
  }

  @Test
  void sendOptionsAreOffUnlessTheSendingJobTurnsThemOn() {
    String text =
        """
        zfleet.jobs = [
          { name = plain, type = push, sink = s, filesystems { "tank/a<" = true }
            snapshotting { type = periodic, prefix = "a_", interval = 10m }
            pruning { keep-sender = [ { type = not-replicated } ], keep-receiver = [ { type = last-n, count = 5 } ] } }
          { name = packed, type = push, sink = s, filesystems { "tank/b<" = true }
            snapshotting { type = periodic, prefix = "b_", interval = 10m }
            pruning { keep-sender = [ { type = not-replicated } ], keep-receiver = [ { type = last-n, count = 5 } ] }
            send { compressed = true, large-blocks = yes, embedded-data = on, raw = false } }
          { name = served, type = source, clients = [ c ], filesystems { "tank/c<" = true }
            snapshotting { type = periodic, prefix = "c_", interval = 10m }
            send { raw = true } }
          { name = s, type = sink, root-fs = "backup/in", clients = [ h ] }
        ]
        """;
    LoadResult result = ConfigLoader.parse(text, "s.conf", "h");

    assertThat(result.errors()).isEmpty();
    ZfleetConfig config = result.config().orElseThrow();
    assertThat(((PushJob) config.job("plain").orElseThrow()).send()).isEqualTo(SendOptions.NONE);
    assertThat(((PushJob) config.job("packed").orElseThrow()).send())
        .isEqualTo(new SendOptions(true, true, true, SendOptions.Raw.OFF));
    assertThat(((PushJob) config.job("packed").orElseThrow()).send().enabled())
        .containsExactly("compressed", "large-blocks", "embedded-data");
    assertThat(((SourceJob) config.job("served").orElseThrow()).send())
        .isEqualTo(new SendOptions(false, false, false, SendOptions.Raw.ON));
  }

  @ParameterizedTest(name = "raw = {0}")
  @CsvSource({
    "'', AUTO",
    "'raw = auto', AUTO",
    "'raw = on', ON",
    "'raw = true', ON",
    "'raw = off', OFF",
    "'raw = false', OFF",
    "'compressed = true', AUTO"
  })
  void rawSendsAreAutoUnlessTheJobSaysOnOrOff(String setting, SendOptions.Raw expected) {
    String text =
        """
        zfleet.jobs = [
          { name = p, type = push, sink = s, filesystems { "tank/a<" = true }
            snapshotting { type = periodic, prefix = "a_", interval = 10m }
            pruning { keep-sender = [ { type = not-replicated } ], keep-receiver = [ { type = last-n, count = 5 } ] }
            send { %s } }
          { name = s, type = sink, root-fs = "backup/in", clients = [ h ] }
        ]
        """
            .formatted(setting);
    LoadResult result = ConfigLoader.parse(text, "raw.conf", "h");

    assertThat(result.errors()).isEmpty();
    SendOptions send = ((PushJob) result.config().orElseThrow().job("p").orElseThrow()).send();
    assertThat(send.raw()).isEqualTo(expected);
    assertThat(send.enabled().contains("raw")).isEqualTo(expected == SendOptions.Raw.ON);
  }

  @Test
  void aRawSettingOtherThanAutoOnOrOffIsAnErrorNamingTheChoices() {
    String text =
        """
        zfleet.jobs = [
          { name = p, type = push, sink = s, filesystems { "tank/a<" = true }
            snapshotting { type = periodic, prefix = "a_", interval = 10m }
            pruning { keep-sender = [ { type = not-replicated } ], keep-receiver = [ { type = last-n, count = 5 } ] }
            send { raw = sometimes } }
          { name = s, type = sink, root-fs = "backup/in", clients = [ h ] }
        ]
        """;
    LoadResult result = ConfigLoader.parse(text, "raw.conf", "h");

    assertThat(result.errors())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).endsWith("send.raw");
              assertThat(p.message()).contains("auto", "on", "off", "\"sometimes\"");
              assertThat(p.line()).isEqualTo(5);
            });
  }
}
