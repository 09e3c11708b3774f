package org.zfleet.node.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.zfleet.config.JobConfig;
import org.zfleet.config.SinkJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.job.JobDriver;
import org.zfleet.job.StepControl;
import org.zfleet.replication.JobDrivers;
import org.zfleet.replication.LocalReceiverDirectory;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.ZfsCli;
import org.zfleet.zfs.ZfsCliConfig;

/**
 * A job of a configuration with real ZFS, for the dry-run commands: the same driver the daemon
 * runs, listed once, whose planned steps are then inspected instead of run.
 */
final class JobContext implements AutoCloseable {

  final ZfleetConfig config;
  final JobConfig job;
  final ZfsCli zfs;

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

  /** The job's driver after one listing, as the daemon's first cycle would see it. */
  JobDriver listedDriver() throws Exception {
    List<SinkJob> sinks =
        config.jobs().stream().filter(j -> j instanceof SinkJob).map(j -> (SinkJob) j).toList();
    JobDriver driver =
        JobDrivers.of(
                job,
                config.node().name(),
                zfs,
                new LocalReceiverDirectory(zfs, sinks, Transfers.none()),
                Clock.systemUTC())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "job "
                            + job.name()
                            + " is a "
                            + job.type().configName()
                            + " job, which acts only when its peers do"));
    driver.list().run(new StepControl());
    return driver;
  }

  @Override
  public void close() {
    zfs.close();
  }
}
