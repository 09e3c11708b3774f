package org.zfleet.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * A keep rule of a pruning policy, with zrepl's meaning: a snapshot is destroyed only if no rule
 * keeps it. The rules are evaluated by {@code org.zfleet.prune}; this is their validated form.
 */
public sealed interface KeepRule {

  /** A short description for reports, e.g. {@code last-n(10)}. */
  String describe();

  /**
   * zrepl's grid: buckets laid back to back into the past from the youngest matching snapshot; each
   * keeps its {@code keep} oldest snapshots. Only snapshots matching {@code regex} take part.
   */
  record Grid(List<GridInterval> intervals, Pattern regex, String spec) implements KeepRule {
    public Grid {
      intervals = List.copyOf(intervals);
      Objects.requireNonNull(regex, "regex");
      if (intervals.isEmpty()) {
        throw new IllegalArgumentException("a grid needs at least one interval");
      }
    }

    @Override
    public String describe() {
      return "grid(" + spec + ")";
    }
  }

  /** The {@code count} youngest snapshots matching {@code regex} (all snapshots when empty). */
  record LastN(int count, Optional<Pattern> regex) implements KeepRule {
    public LastN {
      if (count < 1) {
        throw new IllegalArgumentException("last-n count must be at least 1, got " + count);
      }
      Objects.requireNonNull(regex, "regex");
    }

    @Override
    public String describe() {
      return "last-n(" + count + regex.map(r -> ", " + r.pattern()).orElse("") + ")";
    }
  }

  /** Snapshots whose name matches {@code regex} (or does not, with {@code negate}). */
  record Regex(Pattern regex, boolean negate) implements KeepRule {
    public Regex {
      Objects.requireNonNull(regex, "regex");
    }

    @Override
    public String describe() {
      return (negate ? "regex(not " : "regex(") + regex.pattern() + ")";
    }
  }

  /**
   * Every snapshot from the replication cursor on, the cursor's own included (sender side only).
   */
  record NotReplicated() implements KeepRule {
    @Override
    public String describe() {
      return "not-replicated";
    }
  }

  /** One {@code N x DURATION(keep=K)} term of a grid; an empty {@code keep} means keep=all. */
  record GridInterval(int count, Duration length, OptionalInt keep) {
    public GridInterval {
      Objects.requireNonNull(length, "length");
      Objects.requireNonNull(keep, "keep");
      if (count < 1) {
        throw new IllegalArgumentException("grid interval count must be at least 1, got " + count);
      }
      if (length.isNegative() || length.isZero()) {
        throw new IllegalArgumentException("grid interval length must be positive, got " + length);
      }
      if (keep.isPresent() && keep.getAsInt() < 1) {
        throw new IllegalArgumentException(
            "grid keep must be at least 1 or all, got " + keep.getAsInt());
      }
    }
  }
}
