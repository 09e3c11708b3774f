package org.zfleet.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Commands run around each snapshot of a job (zrepl's meaning): {@code pre} before it, {@code post}
 * after it, also when the snapshot failed. Each is a program and its arguments, run without a
 * shell. A failing {@code pre} stops the snapshot only if {@code errIsFatal}; a failing {@code
 * post} is reported, never fatal.
 */
public record Hook(
    Optional<List<String>> pre, Optional<List<String>> post, Duration timeout, boolean errIsFatal) {

  public Hook {
    pre = pre.map(Hook::command);
    post = post.map(Hook::command);
    Objects.requireNonNull(timeout, "timeout");
    if (pre.isEmpty() && post.isEmpty()) {
      throw new IllegalArgumentException("a hook needs a pre or a post command");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("hook timeout must be positive, got " + timeout);
    }
  }

  /**
   * zrepl's command hook: the same program before and after the snapshot ({@code ZFLEET_HOOK} says
   * which).
   */
  public Hook(List<String> command, Duration timeout, boolean errIsFatal) {
    this(Optional.of(command), Optional.of(command), timeout, errIsFatal);
  }

  private static List<String> command(List<String> command) {
    List<String> copy = List.copyOf(command);
    if (copy.isEmpty() || copy.get(0).isBlank()) {
      throw new IllegalArgumentException("a hook needs a command");
    }
    return copy;
  }

  /** The program a report names the hook by. */
  public String name() {
    return pre.or(() -> post).orElseThrow().get(0);
  }
}
