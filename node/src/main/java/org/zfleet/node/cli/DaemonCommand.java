package org.zfleet.node.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.zfleet.config.LoadResult;
import org.zfleet.node.daemon.Daemon;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zfleet daemon --config FILE}: runs this node's jobs until SIGTERM. */
@Command(name = "daemon", description = "Run this node's jobs until stopped (SIGTERM or Ctrl-C).")
final class DaemonCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      defaultValue = ConfigFiles.DEFAULT_CONFIG,
      paramLabel = "FILE",
      description = "The zfleet configuration, HOCON (default: ${DEFAULT-VALUE}).")
  Path config;

  @Override
  public Integer call() throws Exception {
    LoadResult loaded = ConfigFiles.loadValid(config, spec.commandLine().getErr());
    Daemon daemon = Daemon.start(ConfigFiles.configOf(loaded), loaded.hocon().orElseThrow());
    daemon.awaitTermination();
    return ZfleetCommand.EXIT_OK;
  }
}
