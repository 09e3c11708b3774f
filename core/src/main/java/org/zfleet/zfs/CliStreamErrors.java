package org.zfleet.zfs;

/** The typed error of a send or receive process that ended, or null if it succeeded. */
final class CliStreamErrors {

  private CliStreamErrors() {}

  static ZfsException of(String verb, String subject, RunningProcess.Exit exit) {
    String prefix = "zfs " + verb + " " + subject + ": ";
    return switch (exit.end()) {
      case KILLED ->
          new ZfsException.StreamFailed(
              prefix + "killed by its caller", exit.command(), exit.stderr());
      case DEADLINE ->
          new ZfsException.Timeout(
              prefix + "did not finish within its deadline; killed with its children",
              exit.command(),
              exit.stderr());
      case EXITED ->
          exit.code() == 0
              ? null
              : ZfsErrorClassifier.classify(
                  verb, subject, exit.command(), exit.code(), exit.stderr());
    };
  }
}
