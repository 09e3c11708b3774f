package org.zfleet.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.zfleet.model.DatasetName;

@Timeout(30)
class ZreplImportTest {

  static ZreplConversion.Converted convert(String resource) throws IOException {
    ZreplConversion result =
        ZreplImport.convert(ConfigLoaderTest.resource("/zrepl/" + resource), resource);
    assertThat(result).isInstanceOf(ZreplConversion.Converted.class);
    return (ZreplConversion.Converted) result;
  }

  static ZfleetConfig check(ZreplConversion.Converted converted) {
    LoadResult loaded = ConfigLoader.parse(converted.hocon(), "converted.conf", "importhost");
    assertThat(loaded.errors()).as(converted.hocon()).isEmpty();
    return loaded.config().orElseThrow();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "prod-push.yml",
        "backup-sink.yml",
        "source-and-pull.yml",
        "laptop-local.yml",
        "whole-host.yml"
      })
  void convertedConfigPassesConfigcheck(String file) throws IOException {
    ZreplConversion.Converted converted = convert(file);
    check(converted);
    for (ZreplConversion.Note note : converted.notes()) {
      assertThat(converted.hocon())
          .contains("# " + ZreplImport.MARK + note.where() + ": " + note.message());
    }
  }

  /** zrepl's {@code "<": true}: every dataset of the host, less what the operator excluded. */
  @Test
  void theWholeHostFilterIsCarriedOverWithItsExclusions() throws IOException {
    ZreplConversion.Converted converted = convert("whole-host.yml");
    ZfleetConfig config = check(converted);

    assertThat(converted.notes()).noneMatch(n -> n.where().contains("filesystems"));
    for (String job : List.of("host_to_backup", "everything_hourly")) {
      JobConfig read = config.job(job).orElseThrow();
      FilesystemFilter filter =
          read instanceof PushJob p ? p.filesystems() : ((SnapJob) read).filesystems();
      assertThat(filter.selects(DatasetName.of("tank"))).as(job).isTrue();
      assertThat(filter.selects(DatasetName.of("rpool/home/alice"))).as(job).isTrue();
      assertThat(filter.selects(DatasetName.of("tank/scratch/tmp"))).as(job).isFalse();
      assertThat(filter.selects(DatasetName.of("backup/sink/thishost/tank"))).as(job).isFalse();
    }
  }

  @Test
  void everyJobTypeAndKeepRuleIsCarriedOver() throws IOException {
    List<JobConfig> jobs =
        Stream.of("prod-push.yml", "backup-sink.yml", "source-and-pull.yml", "laptop-local.yml")
            .flatMap(
                f -> {
                  try {
                    return check(convert(f)).jobs().stream();
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                })
            .toList();
    assertThat(jobs).extracting(JobConfig::type).contains(JobConfig.Type.values());
    List<Class<?>> ruleTypes =
        jobs.stream()
            .flatMap(ZreplImportTest::keepRules)
            .<Class<?>>map(Object::getClass)
            .distinct()
            .toList();
    assertThat(ruleTypes)
        .containsExactlyInAnyOrder(
            KeepRule.Grid.class,
            KeepRule.LastN.class,
            KeepRule.Regex.class,
            KeepRule.NotReplicated.class);
  }

  static Stream<KeepRule> keepRules(JobConfig job) {
    if (job instanceof PushJob p) {
      return Stream.concat(p.senderPruning().keep().stream(), p.receiverPruning().keep().stream());
    }
    if (job instanceof PullJob p) {
      return Stream.concat(p.senderPruning().keep().stream(), p.receiverPruning().keep().stream());
    }
    return job instanceof SnapJob s ? s.pruning().keep().stream() : Stream.empty();
  }

  @Test
  void pushKeepsItsMeaning() throws IOException {
    ZreplConversion.Converted converted = convert("prod-push.yml");
    PushJob push = (PushJob) check(converted).job("prod_to_backups").orElseThrow();

    assertThat(push.sinks()).containsExactly("backups");
    assertThat(push.filesystems().rules())
        .extracting(FilesystemFilter.Rule::key)
        .containsExactly(
            "zroot/var/db", "zroot/usr/home<", "zroot/usr/home/paranoid", "zroot/vm/my disk.img");
    Snapshotting.Periodic snapshotting = (Snapshotting.Periodic) push.snapshotting();
    assertThat(snapshotting.snapshotPrefix()).isEqualTo("zrepl_");
    assertThat(snapshotting.interval()).hasMinutes(90);
    assertThat(snapshotting.hooks())
        .containsExactly(
            new Hook(List.of("/etc/zrepl/hooks/flush-db"), java.time.Duration.ofSeconds(30), true));
    assertThat(push.senderPruning().scope()).isEqualTo(Pruning.Scope.ALL);
    assertThat(push.senderPruning().keep())
        .extracting(KeepRule::describe)
        .containsExactly("not-replicated", "last-n(10)");
    assertThat(push.receiverPruning().keep())
        .extracting(KeepRule::describe)
        .containsExactly("grid(1x1h(keep=all) | 24x1h | 30x1d | 6x30d)");
    assertThat(push.replication().concurrency()).isEqualTo(2);
    assertThat(push.replication().bandwidthLimit()).hasValue((long) (23.5 * (1 << 20)));
    assertThat(push.replication().initialReplication())
        .isEqualTo(Replication.InitialReplication.ALL);
    assertThat(push.send()).isEqualTo(new SendOptions(true, true, false, SendOptions.Raw.AUTO));
    assertThat(converted.notes())
        .extracting(ZreplConversion.Note::where)
        .contains(
            "global.logging",
            "global.monitoring",
            "jobs[0].connect",
            "jobs[0].send.encrypted",
            "jobs[0].send.bandwidth_limit.bucket_capacity",
            "jobs[0].replication.concurrency.size_estimates",
            "jobs[0].replication.protection",
            "jobs[0].snapshotting.timestamp_format",
            "jobs[0].snapshotting.hooks[0].filesystems",
            "jobs[0].snapshotting.hooks[1]");
    assertThat(converted.hocon())
        .contains(
            "# import-zrepl: jobs[0].connect: type tls to backups.example.com:8888: zfleet nodes replicate over the cluster");
  }

  @Test
  void sinkAndSourceTakeClientIdentitiesAsNodeNames() throws IOException {
    SinkJob sink = (SinkJob) check(convert("backup-sink.yml")).job("sink").orElseThrow();
    assertThat(sink.rootFs().value()).isEqualTo("storage/zrepl/sink");
    assertThat(sink.clients()).containsExactly("prod", "web.example.com");

    ZreplConversion.Converted converted = convert("source-and-pull.yml");
    ZfleetConfig config = check(converted);
    SourceJob source = (SourceJob) config.job("db_source").orElseThrow();
    assertThat(source.clients()).containsExactly("mysql01");
    assertThat(source.send()).isEqualTo(new SendOptions(false, false, false, SendOptions.Raw.ON));
    assertThat(converted.notes())
        .extracting(ZreplConversion.Note::where)
        .doesNotContain("jobs[0].send.raw");
    assertThat(((Snapshotting.Cron) source.snapshotting()).cron().text()).isEqualTo("*/5 * * * *");
    assertThat(converted.notes())
        .extracting(ZreplConversion.Note::message)
        .anyMatch(m -> m.contains("\"mysql-client-*\" is a wildcard"))
        .anyMatch(
            m ->
                m.startsWith(
                    "type ssh+stdinserver to app.example.com: zfleet has no ssh transport"));

    PullJob pull = (PullJob) config.job("pull_db").orElseThrow();
    assertThat(pull.interval()).hasValueSatisfying(d -> assertThat(d).hasMinutes(10));
    assertThat(pull.replication().bandwidthLimit()).hasValue(10L << 20);
    assertThat(pull.receiverPruning().keep())
        .extracting(KeepRule::describe)
        .containsExactly("grid(1x1h(keep=all) | 24x1h | 35x1d | 6x30d)", "regex(not ^zrepl_)");
    assertThat(((PullJob) config.job("pull_manual").orElseThrow()).interval()).isEmpty();
  }

  @Test
  void localConnectionNamesTheSinkOfTheSameFile() throws IOException {
    ZreplConversion.Converted converted = convert("laptop-local.yml");
    LoadResult loaded = ConfigLoader.parse(converted.hocon(), "laptop.conf", "laptop");
    ZfleetConfig config = loaded.config().orElseThrow();

    PushJob push = (PushJob) config.job("push_to_drive").orElseThrow();
    assertThat(push.sinks()).containsExactly("backup_drive");
    assertThat(push.snapshotting()).isInstanceOf(Snapshotting.Manual.class);
    assertThat(((SinkJob) config.job("backup_drive").orElseThrow()).clients())
        .containsExactly("laptop");
    // The snap and push jobs share their datasets on purpose; configcheck says so, as a warning.
    assertThat(loaded.warnings())
        .extracting(ConfigProblem::message)
        .containsExactly(
            "selects rpool/home, which jobs[0] (snapjob) also selects; both jobs will work on it");
  }

  @Test
  void invalidYamlFailsWithItsLine() {
    ZreplConversion result = ZreplImport.convert("jobs:\n  - name: x\n   type: push\n", "bad.yml");
    assertThat(result).isInstanceOf(ZreplConversion.Failed.class);
    assertThat(((ZreplConversion.Failed) result).message())
        .startsWith("bad.yml:3: not valid YAML: ");
  }

  @Test
  void aFileWithoutJobsIsNotAZreplConfig() {
    assertThat(ZreplImport.convert("global: {}\n", "empty.yml"))
        .isEqualTo(
            new ZreplConversion.Failed("empty.yml: not a zrepl configuration: it has no jobs"));
    assertThat(ZreplImport.convert("- a\n- b\n", "list.yml"))
        .isEqualTo(
            new ZreplConversion.Failed(
                "list.yml: not a zrepl configuration: expected a mapping with jobs"));
  }

  @Test
  void unknownJobTypesAndKeysBecomeNotes() {
    String yaml =
        """
        jobs:
        - name: weird
          type: bidirectional
        - name: "snap job"
          type: snap
          colour: blue
          filesystems: { "<": true, "tank@x<": true }
          snapshotting: { type: periodic, prefix: s_, interval: 1h }
          pruning:
            keep:
            - type: last_n
              count: 3
            - type: fancy
        """;
    ZreplConversion.Converted converted =
        (ZreplConversion.Converted) ZreplImport.convert(yaml, "x.yml");
    assertThat(converted.notes())
        .extracting(Object::toString)
        .containsExactly(
            "jobs[0]: job weird of type \"bidirectional\" has no zfleet equivalent; left out",
            "jobs[1].name: \"snap job\" is not a valid zfleet job name; named \"snap_job\"",
            "jobs[1].colour: not a zrepl setting zfleet knows for snap jobs; not carried over",
            "jobs[1].filesystems.\"tank@x<\": invalid dataset name \"tank@x\": character '@' is not allowed; left out",
            "jobs[1].pruning.keep[1]: keep rule type \"fancy\" has no zfleet equivalent; left out");
    assertThat(check(converted).job("snap_job")).isPresent();
  }
}
