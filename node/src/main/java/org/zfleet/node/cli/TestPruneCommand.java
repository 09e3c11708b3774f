package org.zfleet.node.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.zfleet.config.JobConfig;
import org.zfleet.config.Pruning;
import org.zfleet.config.PullJob;
import org.zfleet.config.PushJob;
import org.zfleet.config.SnapJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.cycle.PrunePolicies;
import org.zfleet.node.daemon.PlanReport;
import org.zfleet.prune.OfflineSnapshotList;
import org.zfleet.prune.PruneContext;
import org.zfleet.prune.PruneOutcome;
import org.zfleet.prune.PrunePolicy;
import org.zfleet.prune.Pruner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zfleet test prune}: what a job's keep rules would keep and destroy, per snapshot, as the
 * daemon's planner decides it from real ZFS, or from a list of snapshots. For sides listed through
 * a peer on another node (a push's receivers there, a pull's both sides) it prints the running
 * daemon's last plan, or says that it needs the daemon. Destroys nothing.
 */
@Command(
    name = "prune",
    description = "Show what JOB's keep rules keep and destroy. Destroys nothing.")
final class TestPruneCommand implements Callable<Integer> {

  enum Side {
    SENDER,
    RECEIVER
  }

  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      defaultValue = ConfigFiles.DEFAULT_CONFIG,
      paramLabel = "FILE",
      description = "The configuration file (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = {"-j", "--job"},
      required = true,
      paramLabel = "NAME")
  String job;

  @Option(
      names = "--side",
      paramLabel = "sender|receiver",
      defaultValue = "sender",
      converter = SideConverter.class,
      description = "Which side's rules (replicating jobs). Default: sender.")
  Side side;

  @Option(
      names = "--snapshots",
      paramLabel = "FILE",
      description =
          "Evaluate over this list instead of ZFS: one snapshot a line, <name><TAB><creation ISO-8601>.")
  Path snapshots;

  @Option(
      names = "--json",
      description = "One JSON object a line: filesystem, snapshot, action, reason.")
  boolean json;

  @Option(
      names = "--daemon",
      description =
          "Print the running daemon's last plan of the job (used by itself for a job whose sink or"
              + " source is on another node).")
  boolean daemon;

  @Override
  public Integer call() throws Exception {
    ZfleetConfig cfg = JobContext.loadJobConfig(config, job, spec.commandLine().getErr());
    JobConfig jobConfig = cfg.job(job).orElseThrow();
    if (snapshots != null) {
      return offline(jobConfig);
    }
    PrintWriter out = spec.commandLine().getOut();
    List<String> remote = DaemonPlans.remotePeers(cfg, jobConfig);
    // The sender side of a push is this node's own; its receivers and a pull's both sides are
    // listed through peers on other nodes.
    boolean needsPeer =
        !remote.isEmpty() && (side == Side.RECEIVER || jobConfig instanceof PullJob);
    if (daemon || needsPeer) {
      var answer = DaemonPlans.fetch(cfg, job, side == Side.RECEIVER ? "receiver" : "sender", json);
      if (answer.isPresent()) {
        return DaemonPlans.print(answer.get(), job, out, spec.commandLine().getErr());
      }
      if (daemon || jobConfig instanceof PullJob) {
        throw new IllegalArgumentException(
            DaemonPlans.needsDaemon(
                cfg,
                jobConfig instanceof PullJob pull
                    ? "the source " + pull.source() + " of pull job " + job
                    : "job " + job + "'s last plan"));
      }
      spec.commandLine()
          .getErr()
          .println(
              "zfleet: "
                  + DaemonPlans.needsDaemon(cfg, "sink " + String.join(", sink ", remote))
                  + "; its replicas are not shown");
    }
    try (JobContext context = JobContext.open(cfg, job)) {
      PlanReport.Output output =
          PlanReport.render(
              context.plan().cycles(),
              side == Side.RECEIVER ? PlanReport.View.PRUNE_RECEIVER : PlanReport.View.PRUNE_SENDER,
              json);
      out.print(output.text());
      out.flush();
      return output.problem() || (needsPeer && !daemon)
          ? ZfleetCommand.EXIT_FAILED
          : ZfleetCommand.EXIT_OK;
    }
  }

  private int offline(JobConfig jobConfig) throws Exception {
    OfflineSnapshotList parsed = OfflineSnapshotList.parse(readSnapshotList());
    if (parsed instanceof OfflineSnapshotList.Invalid invalid) {
      for (var error : invalid.errors()) {
        spec.commandLine()
            .getErr()
            .println(snapshots + ":" + error.line() + ": " + error.problem());
      }
      return ZfleetCommand.EXIT_FAILED;
    }
    var versions = ((OfflineSnapshotList.Parsed) parsed).snapshots();
    PrunePolicy policy = policy(jobConfig);
    return print(
            snapshots.getFileName().toString(),
            Pruner.evaluate(versions, policy, PruneContext.offline()))
        ? ZfleetCommand.EXIT_OK
        : ZfleetCommand.EXIT_FAILED;
  }

  private String readSnapshotList() {
    try {
      return Files.readString(snapshots);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("cannot read " + snapshots + ": no such file");
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read " + snapshots + ": " + e.getMessage());
    }
  }

  private PrunePolicy policy(JobConfig jobConfig) {
    if (jobConfig instanceof SnapJob snap) {
      return PrunePolicies.of(snap.snapshotting().prefix(), snap.pruning());
    }
    if (jobConfig instanceof PushJob push) {
      Pruning pruning = side == Side.RECEIVER ? push.receiverPruning() : push.senderPruning();
      return PrunePolicies.of(push.snapshotting().prefix(), pruning);
    }
    throw new IllegalArgumentException(
        "job "
            + job
            + " is a "
            + jobConfig.type().configName()
            + " job and has no keep rules here");
  }

  /** Prints one filesystem's verdicts; false if pruning refused to judge. */
  private boolean print(String filesystem, PruneOutcome outcome) {
    PrintWriter out = spec.commandLine().getOut();
    boolean judged = PlanReport.prune(out, filesystem, outcome, json);
    out.flush();
    return judged;
  }

  static final class SideConverter implements picocli.CommandLine.ITypeConverter<Side> {
    @Override
    public Side convert(String value) {
      return Side.valueOf(value.toUpperCase(Locale.ROOT));
    }
  }
}
