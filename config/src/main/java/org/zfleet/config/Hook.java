package org.zfleet.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A command run around each snapshot of a job. {@code command} is the program and its arguments,
 * run without a shell; a failing hook aborts the snapshot only if {@code errIsFatal}.
 */
public record Hook(List<String> command, Duration timeout, boolean errIsFatal) {
  public Hook {
    command = List.copyOf(command);
    Objects.requireNonNull(timeout, "timeout");
    if (command.isEmpty() || command.get(0).isBlank()) {
      throw new IllegalArgumentException("a hook needs a command");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("hook timeout must be positive, got " + timeout);
    }
  }
}
