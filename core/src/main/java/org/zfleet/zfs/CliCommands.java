package org.zfleet.zfs;

import java.util.ArrayList;
import java.util.List;

/**
 * How {@link ZfsCli} and its helpers run short {@code zfs} commands: through the node's gate, under
 * the command deadline, failing with the typed error their stderr describes.
 */
final class CliCommands {

  final ZfsCliConfig config;
  final ProcessRunner runner;

  CliCommands(ZfsCliConfig config, ProcessRunner runner) {
    this.config = config;
    this.runner = runner;
  }

  /** Runs {@code zfs verb args...}; throws the typed error unless it exits with 0. */
  ProcessResult zfs(String verb, String subject, List<String> args) {
    ProcessResult r = run(verb, args);
    if (!r.succeeded()) {
      throw failure(verb, subject, r);
    }
    return r;
  }

  /** Runs {@code zfs verb args...} and returns whatever it answered. */
  ProcessResult run(String verb, List<String> args) {
    return runner.run(command(verb, args), config.commandTimeout());
  }

  /** The typed error of a failed command. */
  static ZfsException failure(String verb, String subject, ProcessResult r) {
    // Some failures (zfs-fuse's internal errors) are printed on stdout.
    String message = r.stderr().isBlank() ? r.stdout() : r.stderr();
    return ZfsErrorClassifier.classify(verb, subject, r.command(), r.exitCode(), message);
  }

  List<String> command(String verb, List<String> args) {
    List<String> command = new ArrayList<>(args.size() + 2);
    command.add(config.zfsBinary().toString());
    command.add(verb);
    command.addAll(args);
    return command;
  }
}
