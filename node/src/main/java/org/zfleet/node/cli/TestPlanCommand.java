package org.zfleet.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.zfleet.cycle.StepSpec;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.node.daemon.Json;
import org.zfleet.plan.Plan;
import org.zfleet.plan.PlanJson;
import org.zfleet.plan.PlanOptions;
import org.zfleet.plan.Planner;
import org.zfleet.plan.ReceiverState;
import org.zfleet.plan.Step;
import org.zfleet.plan.VersionListParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zfleet test plan}: each filesystem's replication plan (steps, or a conflict with its
 * reason) as the daemon's planner returns it from real ZFS, or from two version lists. Sends
 * nothing.
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

  private final ObjectMapper mapper = Json.mapper();

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
    if (senderFile != null) {
      List<FilesystemVersion> sender = VersionListParser.parse(Files.readString(senderFile));
      List<FilesystemVersion> receiver = VersionListParser.parse(Files.readString(receiverFile));
      PlanOptions options =
          PlanOptions.defaults()
              .withInitialReplication(CycleSettings.initial(replication.initialReplication()))
              .withReceiverState(receiver.isEmpty() ? ReceiverState.ABSENT : ReceiverState.REPLICA);
      Plan plan = Planner.plan(sender, receiver, options);
      print(null, null, plan);
      return plan instanceof Plan.Conflict ? ZfleetCommand.EXIT_FAILED : ZfleetCommand.EXIT_OK;
    }
    boolean conflict = false;
    try (JobContext context = JobContext.open(cfg, job)) {
      for (var cycle : context.plan().cycles().entrySet()) {
        String fs = cycle.getKey().value();
        for (StepSpec step : cycle.getValue().steps()) {
          if (step instanceof StepSpec.Replicate replicate) {
            Plan plan = replicate.plan().plan();
            conflict |= plan instanceof Plan.Conflict;
            if (plan instanceof Plan.UpToDate && replicate.plan().newestSnapshot().isEmpty()) {
              printNothingYet(fs, step.destination());
            } else {
              print(fs, step.destination(), plan);
            }
          } else if (step instanceof StepSpec.Wait wait) {
            conflict = true;
            printUnavailable(fs, step.destination(), wait.reason());
          }
        }
      }
    }
    return conflict ? ZfleetCommand.EXIT_FAILED : ZfleetCommand.EXIT_OK;
  }

  private void print(String fs, String destination, Plan plan) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode node = (ObjectNode) mapper.readTree(PlanJson.render(plan));
      if (fs != null) {
        ObjectNode line =
            mapper.createObjectNode().put("filesystem", fs).put("destination", destination);
        line.setAll(node);
        node = line;
      }
      out.println(mapper.writeValueAsString(node));
      return;
    }
    if (fs != null) {
      out.println(fs + " -> " + destination);
    }
    if (plan instanceof Plan.UpToDate) {
      out.println("  up to date");
    } else if (plan instanceof Plan.Conflict c) {
      out.println("  conflict: " + c.message() + " (nothing is changed)");
    } else {
      for (Step s : ((Plan.Steps) plan).steps()) {
        out.println("  " + s);
      }
    }
  }

  private void printNothingYet(String fs, String destination) throws Exception {
    if (json) {
      ObjectNode line =
          mapper
              .createObjectNode()
              .put("filesystem", fs)
              .put("destination", destination)
              .put("result", "up-to-date")
              .putNull("reason");
      line.putArray("steps");
      spec.commandLine().getOut().println(mapper.writeValueAsString(line));
    } else {
      spec.commandLine()
          .getOut()
          .println(
              fs
                  + " -> "
                  + destination
                  + "\n  nothing to send yet: the filesystem has no snapshot");
    }
  }

  private void printUnavailable(String fs, String destination, String reason) throws Exception {
    if (json) {
      ObjectNode line =
          mapper
              .createObjectNode()
              .put("filesystem", fs)
              .put("destination", destination)
              .put("result", "unavailable")
              .put("reason", reason);
      spec.commandLine().getOut().println(mapper.writeValueAsString(line));
    } else {
      spec.commandLine().getOut().println(fs + " -> " + destination + "\n  unavailable: " + reason);
    }
  }
}
