package org.zfleet.zfs;

import java.time.Duration;
import java.util.List;

/**
 * Told of every short {@code zfs} or {@code zpool} command the adapter ran (not sends and
 * receives), for metrics. Called on the command's thread after it ended; must not block or throw.
 */
@FunctionalInterface
public interface CommandListener {

  CommandListener NONE = (command, took, succeeded) -> {};

  /**
   * @param command the argument vector, program first
   * @param succeeded false for a non-zero exit, a timeout or a program that could not start
   */
  void commandEnded(List<String> command, Duration took, boolean succeeded);
}
