package org.zfleet.node.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code zfleet version}: the zfleet version and the Java runtime it runs on. */
@Command(name = "version", description = "Print the zfleet version and the Java runtime.")
final class VersionCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    out.println("zfleet " + ZfleetCommand.version());
    out.println(
        "java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")");
    return ZfleetCommand.EXIT_OK;
  }
}
