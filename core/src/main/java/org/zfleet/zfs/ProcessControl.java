package org.zfleet.zfs;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How a {@link ProcessRunner} starts, stops and names one process: started from its argument vector
 * in the C locale, killed with its children and reaped, and its failures worded with the command
 * line they belong to.
 */
final class ProcessControl {

  /** How long a killed process gets to exit, and its output to be read, before it is given up. */
  static final Duration REAP_WAIT = Duration.ofSeconds(5);

  private ProcessControl() {}

  static ProcessBuilder builder(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    // Messages are classified by their English text: no translations.
    builder.environment().put("LC_ALL", "C");
    return builder;
  }

  static Process start(ProcessBuilder builder, List<String> command) {
    try {
      return builder.start();
    } catch (IOException e) {
      throw new ZfsException.Unavailable(
          "cannot run "
              + command.get(0)
              + ": "
              + rootMessage(e)
              + " (is ZFS installed, and is the configured path of the binary right?)",
          command,
          "",
          e);
    }
  }

  static String rootMessage(IOException e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  static void killAndReap(Process process) {
    ProcessTree.kill(process.toHandle());
    try {
      process.waitFor(REAP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static int waitUninterruptibly(Process process) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return process.waitFor();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static ZfsException interrupted(List<String> command, String stderr) {
    return new ZfsException.Failed(
        describe(command) + ": interrupted by its caller; killed with its children",
        command,
        stderr);
  }

  static String describe(List<String> command) {
    return String.join(" ", command.subList(0, Math.min(command.size(), 6)))
        + (command.size() > 6 ? " ..." : "");
  }
}
