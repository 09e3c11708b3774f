package org.zfleet.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.zfleet.config.JobConfig;
import org.zfleet.config.Pruning;
import org.zfleet.config.PushJob;
import org.zfleet.config.SnapJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.PrunePolicies;
import org.zfleet.cycle.StepSpec;
import org.zfleet.node.daemon.Json;
import org.zfleet.prune.KeepReason;
import org.zfleet.prune.OfflineSnapshotList;
import org.zfleet.prune.PruneContext;
import org.zfleet.prune.PruneOutcome;
import org.zfleet.prune.PrunePolicy;
import org.zfleet.prune.Pruner;
import org.zfleet.prune.SnapshotDecision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zfleet test prune}: what a job's keep rules would keep and destroy, per snapshot, as the
 * daemon's planner decides it from real ZFS, or from a list of snapshots. Destroys nothing.
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

  private final ObjectMapper mapper = Json.mapper();

  @Override
  public Integer call() throws Exception {
    ZfleetConfig cfg = JobContext.loadJobConfig(config, job, spec.commandLine().getErr());
    JobConfig jobConfig = cfg.job(job).orElseThrow();
    if (snapshots != null) {
      return offline(jobConfig);
    }
    try (JobContext context = JobContext.open(cfg, job)) {
      boolean refused = false;
      for (FilesystemCycle cycle : context.plan().cycles().values()) {
        for (StepSpec step : cycle.steps()) {
          if (side == Side.SENDER && step instanceof StepSpec.PruneSender p) {
            refused |= !print(p.filesystem().value(), p.outcome());
          } else if (side == Side.RECEIVER && step instanceof StepSpec.PruneReceiver p) {
            refused |= !print(p.filesystem().value(), p.outcome());
          }
        }
      }
      return refused ? ZfleetCommand.EXIT_FAILED : ZfleetCommand.EXIT_OK;
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
  private boolean print(String filesystem, PruneOutcome outcome) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (outcome instanceof PruneOutcome.Refused refused) {
      if (json) {
        ObjectNode line =
            mapper
                .createObjectNode()
                .put("filesystem", filesystem)
                .put("action", "refused")
                .put("reason", refused.message());
        out.println(mapper.writeValueAsString(line));
      } else {
        out.println(filesystem + ": " + refused.message() + " (nothing is destroyed)");
      }
      return false;
    }
    List<SnapshotDecision> decisions = ((PruneOutcome.Evaluated) outcome).decisions();
    if (!json) {
      out.println(filesystem);
    }
    for (SnapshotDecision d : decisions) {
      String action = d instanceof SnapshotDecision.Keep ? "keep" : "destroy";
      String reason =
          d instanceof SnapshotDecision.Keep keep
              ? keep.reasons().stream().map(KeepReason::describe).collect(Collectors.joining("; "))
              : "no rule keeps it";
      if (json) {
        ObjectNode line =
            mapper
                .createObjectNode()
                .put("filesystem", filesystem)
                .put("snapshot", d.version().name())
                .put("action", action)
                .put("reason", reason);
        out.println(mapper.writeValueAsString(line));
      } else {
        out.printf("  %-8s %s  %s%n", action, d.version().name(), reason);
      }
    }
    return true;
  }

  static final class SideConverter implements picocli.CommandLine.ITypeConverter<Side> {
    @Override
    public Side convert(String value) {
      return Side.valueOf(value.toUpperCase(Locale.ROOT));
    }
  }
}
