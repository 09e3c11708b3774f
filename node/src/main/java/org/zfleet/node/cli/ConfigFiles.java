package org.zfleet.node.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.ConfigProblem;
import org.zfleet.config.LoadResult;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.node.LocalHost;

/** Loads the configuration for commands that need a valid one, printing every problem found. */
final class ConfigFiles {
  private ConfigFiles() {}

  /** The loaded configuration; on errors they are printed and {@link ConfigInvalid} is thrown. */
  static LoadResult loadValid(Path file, PrintWriter err) {
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
