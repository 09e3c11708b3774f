package org.zfleet.node.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.zfleet.config.JobConfig;
import org.zfleet.config.SinkJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.cycle.CyclePlanner;
import org.zfleet.cycle.CycleStart;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.StepSpec;
import org.zfleet.job.CyclePorts;
import org.zfleet.job.JobDriver;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepOutput;
import org.zfleet.model.DatasetName;
import org.zfleet.node.WallClock;
import org.zfleet.replication.JobDrivers;
import org.zfleet.replication.LocalReceiverDirectory;
import org.zfleet.replication.NodePorts;
import org.zfleet.replication.SourceDirectory;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.ProcessRunner;
import org.zfleet.zfs.ZfsCli;
import org.zfleet.zfs.ZfsCliConfig;

/**
 * A job of a configuration with real ZFS, for the dry-run commands: the same driver and planner the
 * daemon runs, listed once; what the planner returns is printed instead of run.
 */
final class JobContext implements AutoCloseable {

  /**
   * The job's listing and each filesystem's planned steps, as the daemon's first cycle has them.
   */
  record Planned(JobListing listing, Map<DatasetName, FilesystemCycle> cycles) {}

  final ZfleetConfig config;
  final JobConfig job;
  final ZfsCli zfs;
  private final ProcessRunner hooks = new ProcessRunner(1);

  private JobContext(ZfleetConfig config, JobConfig job, ZfsCli zfs) {
    this.config = config;
    this.job = job;
    this.zfs = zfs;
  }

  /** Loads {@code file} and finds {@code jobName}; problems are printed, errors thrown. */
  static ZfleetConfig loadJobConfig(Path file, String jobName, PrintWriter err) {
    ZfleetConfig config = ConfigFiles.configOf(ConfigFiles.loadValid(file, err));
    if (config.job(jobName).isEmpty()) {
      throw new IllegalArgumentException(
          "no job named "
              + jobName
              + " in "
              + file
              + " (jobs: "
              + String.join(", ", config.jobs().stream().map(JobConfig::name).toList())
              + ")");
    }
    return config;
  }

  static JobContext open(ZfleetConfig config, String jobName) {
    var node = config.node();
    ZfsCli zfs =
        ZfsCli.create(
            ZfsCliConfig.defaults()
                .withBinaries(Path.of(node.zfs().zfsPath()), Path.of(node.zfs().zpoolPath()))
                .withMaxConcurrentCommands(node.limits().zfsCommands()));
    return new JobContext(config, config.job(jobName).orElseThrow(), zfs);
  }

  /**
   * Lists the job once and plans its cycle, as the daemon's first cycle would (sinks of this
   * configuration are found; a sink or source on another node is not reachable from here).
   */
  Planned plan() throws Exception {
    List<SinkJob> sinks =
        config.jobs().stream().filter(j -> j instanceof SinkJob).map(j -> (SinkJob) j).toList();
    NodePorts ports =
        new NodePorts(
            zfs,
            new LocalReceiverDirectory(zfs, sinks, Transfers.none()),
            SourceDirectory.NONE,
            Runnable::run,
            hooks);
    JobDriver driver =
        JobDrivers.of(job, config.node().name(), ports)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "job "
                            + job.name()
                            + " is a "
                            + job.type().configName()
                            + " job, which acts only when its peers do"));
    StepOutput.Listed listed =
        (StepOutput.Listed)
            driver
                .runner()
                .work(new StepSpec.ListJob(), CyclePorts.NONE)
                .run(new StepControl())
                .output()
                .orElseThrow();
    CycleStart start = CycleStart.at(WallClock.clock().instant());
    return new Planned(
        listed.listing(), CyclePlanner.plan(listed.listing(), driver.settings(), start));
  }

  @Override
  public void close() {
    zfs.close();
    hooks.close();
  }
}
