package org.zfleet.node.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.ConfigProblem;
import org.zfleet.config.LoadResult;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.node.LocalHost;

/**
 * Loads the configuration for commands that need a valid one, printing every problem found. Every
 * command reads {@value #DEFAULT_CONFIG} when its {@code --config} is not given.
 */
final class ConfigFiles {
  private ConfigFiles() {}

  /** The file every command reads without {@code --config}; the package installs it. */
  static final String DEFAULT_CONFIG = "/etc/zfleet/zfleet.conf";

  /** The loaded configuration; on errors they are printed and {@link ConfigInvalid} is thrown. */
  static LoadResult loadValid(Path file, PrintWriter err) {
    Optional<String> missing = missingDefault(file, Path.of(DEFAULT_CONFIG));
    if (missing.isPresent()) {
      throw new ConfigInvalid(missing.get());
    }
    LoadResult result = ConfigLoader.load(file, LocalHost.name());
    for (ConfigProblem problem : result.problems()) {
      if (problem.isError() || System.getenv("ZFLEET_QUIET_WARNINGS") == null) {
        err.println(problem.format());
      }
    }
    if (result.config().isEmpty()) {
      throw new ConfigInvalid(file + ": " + result.errors().size() + " error(s); nothing started");
    }
    return result;
  }

  /**
   * What to say when {@code file} is the default configuration and does not exist: a command run
   * without {@code --config} on a host where zfleet was not installed from its package, or whose
   * configuration was removed.
   */
  static Optional<String> missingDefault(Path file, Path defaultFile) {
    if (!file.equals(defaultFile) || Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(
        file
            + " does not exist: it is the configuration read when --config is not given;"
            + " create it (the zfleet package installs a starting one) or pass --config FILE");
  }

  static ZfleetConfig configOf(LoadResult result) {
    return result.config().orElseThrow();
  }

  /** The configuration has errors (already printed). */
  static final class ConfigInvalid extends RuntimeException {
    ConfigInvalid(String message) {
      super(message);
    }
  }
}
