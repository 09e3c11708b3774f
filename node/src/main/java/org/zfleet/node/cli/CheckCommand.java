package org.zfleet.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.zfleet.config.JobConfig;
import org.zfleet.config.PullJob;
import org.zfleet.config.PushJob;
import org.zfleet.config.Replication;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.node.WallClock;
import org.zfleet.node.daemon.Json;
import org.zfleet.node.health.Freshness;
import org.zfleet.node.health.FreshnessLevel;
import org.zfleet.node.health.FreshnessStateFile;
import org.zfleet.node.health.OfflineFreshness;
import org.zfleet.node.health.ReplicaRecord;
import org.zfleet.zfs.ZfsCli;
import org.zfleet.zfs.ZfsCliConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zfleet check}: monitoring plugins with Nagios/Icinga exit codes. */
@Command(
    name = "check",
    description = "Monitoring checks with Nagios/Icinga exit codes.",
    subcommands = CheckCommand.FreshnessCheck.class)
final class CheckCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "which check? (freshness)");
  }

  @Command(
      name = "freshness",
      // Nagios reads any other code as UNKNOWN anyway; say so explicitly.
      exitCodeOnInvalidInput = 3,
      exitCodeOnExecutionException = 3,
      description = {
        "How old the newest snapshot each destination holds is, per filesystem: 0 OK, 1 WARNING,"
            + " 2 CRITICAL, 3 UNKNOWN. Asks the running daemon; without one, reads the data-dir's"
            + " state and the replication cursors in ZFS.",
      })
  static final class FreshnessCheck implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = {"-c", "--config"},
        defaultValue = ConfigFiles.DEFAULT_CONFIG,
        paramLabel = "FILE",
        description = "The node's configuration (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--job", paramLabel = "JOB", description = "Only this push or pull job.")
    String job;

    @Option(
        names = "--warn",
        paramLabel = "AGE",
        description = "WARNING from this age (e.g. 2h); default: each job's freshness.warn.")
    String warn;

    @Option(
        names = "--crit",
        paramLabel = "AGE",
        description = "CRITICAL from this age (e.g. 6h); default: each job's freshness.critical.")
    String crit;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        Optional<Duration> warnAge =
            warn == null ? Optional.empty() : Optional.of(age("--warn", warn));
        Optional<Duration> critAge =
            crit == null ? Optional.empty() : Optional.of(age("--crit", crit));
        if (warnAge.isPresent()
            && critAge.isPresent()
            && critAge.get().compareTo(warnAge.get()) < 0) {
          throw new IllegalArgumentException("--crit " + crit + " is shorter than --warn " + warn);
        }
        var loaded = ConfigFiles.loadValid(config, spec.commandLine().getErr());
        ZfleetConfig cfg = ConfigFiles.configOf(loaded);
        List<JobConfig> jobs = replicatingJobs(cfg);
        if (jobs.isEmpty()) {
          throw new IllegalArgumentException(
              job != null ? noSuchJob(cfg) : "no push or pull job in " + config);
        }
        Instant now = WallClock.clock().instant();
        List<ReplicaRecord> replicas = replicas(cfg, jobs);
        List<Freshness.Judged> judged = new ArrayList<>();
        for (ReplicaRecord r : replicas) {
          Replication.Freshness own = thresholdsOf(jobs, r.job());
          Replication.Freshness t =
              new Replication.Freshness(
                  warnAge.orElse(own.warn()),
                  critAge.orElse(
                      warnAge.isPresent() && own.critical().compareTo(warnAge.get()) < 0
                          ? warnAge.get()
                          : own.critical()));
          judged.add(Freshness.judge(r, t, now));
        }
        Freshness.Report report =
            Freshness.report(judged, job != null ? "job " + job : "node " + cfg.node().name());
        out.println(report.summary());
        report.offenders().forEach(out::println);
        out.flush();
        return report.level().exitCode();
      } catch (Exception e) {
        out.println("FRESHNESS UNKNOWN - " + ZfleetCommand.messageOf(e));
        out.flush();
        return FreshnessLevel.UNKNOWN.exitCode();
      }
    }

    private List<JobConfig> replicatingJobs(ZfleetConfig cfg) {
      List<JobConfig> out = new ArrayList<>();
      for (JobConfig j : cfg.jobs()) {
        if ((j instanceof PushJob || j instanceof PullJob)
            && (job == null || j.name().equals(job))) {
          out.add(j);
        }
      }
      return out;
    }

    private String noSuchJob(ZfleetConfig cfg) {
      return "no push or pull job named "
          + job
          + " in "
          + config
          + " (push and pull jobs: "
          + String.join(
              ", ",
              cfg.jobs().stream()
                  .filter(j -> j instanceof PushJob || j instanceof PullJob)
                  .map(JobConfig::name)
                  .toList())
          + ")";
    }

    private static Replication.Freshness thresholdsOf(List<JobConfig> jobs, String name) {
      for (JobConfig j : jobs) {
        if (j.name().equals(name)) {
          return j instanceof PushJob p
              ? p.replication().freshness()
              : ((PullJob) j).replication().freshness();
        }
      }
      return Replication.Freshness.DEFAULT;
    }

    /** From the running daemon if one answers, else from the data-dir and ZFS. */
    private List<ReplicaRecord> replicas(ZfleetConfig cfg, List<JobConfig> jobs) throws Exception {
      List<String> names = jobs.stream().map(JobConfig::name).toList();
      HttpResponse<String> response;
      try {
        response = new ControlClient(cfg).get("/monitor");
      } catch (IOException noDaemon) {
        return offline(cfg, jobs);
      }
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "the daemon answered " + response.statusCode() + ": " + response.body().strip());
      }
      List<ReplicaRecord> out = new ArrayList<>();
      JsonNode monitor = Json.mapper().readTree(response.body());
      for (JsonNode r : monitor.path("replicas")) {
        if (names.contains(r.path("job").asText())) {
          out.add(
              new ReplicaRecord(
                  r.path("job").asText(),
                  r.path("filesystem").asText(),
                  r.path("destination").asText(),
                  text(r, "snapshot"),
                  text(r, "snapshotCreated").map(Instant::parse),
                  text(r, "lastSuccess").map(Instant::parse),
                  r.path("lastOutcome").asText(""),
                  r.path("lastReason").asText(""),
                  Optional.empty()));
        }
      }
      return out;
    }

    private static Optional<String> text(JsonNode node, String field) {
      JsonNode v = node.path(field);
      return v.isNull() || v.isMissingNode() ? Optional.empty() : Optional.of(v.asText());
    }

    private static List<ReplicaRecord> offline(ZfleetConfig cfg, List<JobConfig> jobs)
        throws IOException {
      List<ReplicaRecord> saved = new FreshnessStateFile(cfg.node().dataDir()).read();
      boolean anyPush = jobs.stream().anyMatch(j -> j instanceof PushJob);
      if (!anyPush) {
        return OfflineFreshness.read(jobs, saved, Optional.empty());
      }
      var node = cfg.node();
      try (ZfsCli zfs =
          ZfsCli.create(
              ZfsCliConfig.defaults()
                  .withBinaries(Path.of(node.zfs().zfsPath()), Path.of(node.zfs().zpoolPath()))
                  .withMaxConcurrentCommands(node.limits().zfsCommands()))) {
        return OfflineFreshness.read(jobs, saved, Optional.of(zfs));
      }
    }
  }

  private static final Pattern AGE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d|w)");

  /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 1.5d}, {@code 1w}; anything else is refused. */
  static Duration age(String option, String text) {
    Matcher m = AGE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          option + ": \"" + text + "\" is not an age (write e.g. 90s, 30m, 2h, 1d)");
    }
    double value = Double.parseDouble(m.group(1));
    long millis =
        switch (m.group(2)) {
          case "ms" -> 1;
          case "s" -> 1000;
          case "m" -> 60_000;
          case "h" -> 3_600_000;
          case "d" -> 86_400_000;
          default -> 604_800_000;
        };
    Duration d = Duration.ofMillis((long) (value * millis));
    if (d.isZero()) {
      throw new IllegalArgumentException(option + ": \"" + text + "\" must be more than zero");
    }
    return d;
  }
}
