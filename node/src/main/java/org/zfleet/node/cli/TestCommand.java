package org.zfleet.node.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code zfleet test ...}: dry runs that show what a job would do, changing nothing. */
@Command(
    name = "test",
    description = "Dry runs: what a job selects, prunes and replicates. Nothing is changed.",
    subcommands = {TestFilesystemsCommand.class, TestPruneCommand.class, TestPlanCommand.class})
final class TestCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "what to test? (filesystems, prune, plan)");
  }
}
