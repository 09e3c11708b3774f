package org.zfleet.node.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.zfleet.config.JobConfig;
import org.zfleet.config.PullJob;
import org.zfleet.config.PushJob;
import org.zfleet.config.Replication;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.cycle.CycleSettings;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.node.daemon.PlanReport;
import org.zfleet.plan.Plan;
import org.zfleet.plan.PlanOptions;
import org.zfleet.plan.Planner;
import org.zfleet.plan.ReceiverState;
import org.zfleet.plan.VersionListParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zfleet test plan}: each filesystem's replication plan (steps, or a conflict with its
 * reason) as the daemon's planner returns it from real ZFS, or from two version lists. For a job
 * whose sink or source is on another node it prints the running daemon's last plan (which sees
 * them), or says that it needs the daemon. Sends nothing.
 */
@Command(name = "plan", description = "Show JOB's replication plan per filesystem. Sends nothing.")
final class TestPlanCommand implements Callable<Integer> {

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
      names = "--sender",
      paramLabel = "FILE",
      description =
          "Plan over version lists instead of ZFS: <@snap or #bookmark><TAB><guid><TAB><createtxg><TAB><creation>.")
  Path senderFile;

  @Option(
      names = "--receiver",
      paramLabel = "FILE",
      description = "The receiver's version list (with --sender).")
  Path receiverFile;

  @Option(names = "--json", description = "Print each plan as JSON.")
  boolean json;

  @Option(
      names = "--daemon",
      description =
          "Print the running daemon's last plan of the job (used by itself for a job whose sink or"
              + " source is on another node).")
  boolean daemon;

  @Override
  public Integer call() throws Exception {
    if ((senderFile == null) != (receiverFile == null)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--sender and --receiver go together");
    }
    ZfleetConfig cfg = JobContext.loadJobConfig(config, job, spec.commandLine().getErr());
    JobConfig jobConfig = cfg.job(job).orElseThrow();
    Replication replication;
    if (jobConfig instanceof PushJob push) {
      replication = push.replication();
    } else if (jobConfig instanceof PullJob pull) {
      replication = pull.replication();
    } else {
      throw new IllegalArgumentException(
          "job "
              + job
              + " is a "
              + jobConfig.type().configName()
              + " job: only push and pull jobs plan replication");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (senderFile != null) {
      List<FilesystemVersion> sender = VersionListParser.parse(Files.readString(senderFile));
      List<FilesystemVersion> receiver = VersionListParser.parse(Files.readString(receiverFile));
      PlanOptions options =
          PlanOptions.defaults()
              .withInitialReplication(CycleSettings.initial(replication.initialReplication()))
              .withReceiverState(receiver.isEmpty() ? ReceiverState.ABSENT : ReceiverState.REPLICA);
      Plan plan = Planner.plan(sender, receiver, options);
      PlanReport.plan(out, null, null, plan, json);
      return plan instanceof Plan.Conflict ? ZfleetCommand.EXIT_FAILED : ZfleetCommand.EXIT_OK;
    }
    List<String> remote = DaemonPlans.remotePeers(cfg, jobConfig);
    if (daemon || !remote.isEmpty()) {
      var answer = DaemonPlans.fetch(cfg, job, "plan", json);
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
    }
    try (JobContext context = JobContext.open(cfg, job)) {
      PlanReport.Output output =
          PlanReport.render(
              context.plan().cycles(),
              PlanReport.View.PLAN,
              json,
              w ->
                  remote.contains(w.destination())
                      ? DaemonPlans.needsDaemon(cfg, "sink " + w.destination())
                      : w.reason());
      out.print(output.text());
      out.flush();
      return output.problem() ? ZfleetCommand.EXIT_FAILED : ZfleetCommand.EXIT_OK;
    }
  }
}
