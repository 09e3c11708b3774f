package org.zfleet.node.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.zfleet.config.FilesystemFilter;
import org.zfleet.config.PushJob;
import org.zfleet.config.SnapJob;
import org.zfleet.config.SourceJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.zfs.DatasetListing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zfleet test filesystems}: this host's filesystems a job selects, from real ZFS. */
@Command(
    name = "filesystems",
    description = "List this host's filesystems that JOB's filter selects (from ZFS).")
final class TestFilesystemsCommand implements Callable<Integer> {

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
      names = "--all",
      description = "Also list the filesystems under the filter's roots that it excludes.")
  boolean all;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ZfleetConfig cfg = JobContext.loadJobConfig(config, job, spec.commandLine().getErr());
    FilesystemFilter filter = filterOf(cfg, job);
    try (JobContext context = JobContext.open(cfg, job)) {
      List<DatasetListing> listed = context.zfs.list(filter.roots(), Set.of());
      int selected = 0;
      for (DatasetListing d : listed) {
        boolean selects = filter.selects(d.name());
        selected += selects ? 1 : 0;
        if (selects) {
          out.println(d.name());
        } else if (all) {
          out.println(d.name() + "\t(excluded)");
        }
      }
      if (selected == 0) {
        spec.commandLine()
            .getErr()
            .println(
                "zfleet: job "
                    + job
                    + " selects no filesystem on this host (filter: "
                    + filter
                    + ")");
        return ZfleetCommand.EXIT_FAILED;
      }
      return ZfleetCommand.EXIT_OK;
    }
  }

  static FilesystemFilter filterOf(ZfleetConfig cfg, String job) {
    var j = cfg.job(job).orElseThrow();
    if (j instanceof PushJob p) {
      return p.filesystems();
    }
    if (j instanceof SnapJob s) {
      return s.filesystems();
    }
    if (j instanceof SourceJob s) {
      return s.filesystems();
    }
    throw new IllegalArgumentException(
        "job "
            + job
            + " is a "
            + j.type().configName()
            + " job and selects no filesystems of this host");
  }
}
