package org.zfleet.config;

import java.util.List;
import java.util.Objects;

/**
 * The keep rules for one side of a job, and which snapshots they may destroy. A snapshot within
 * scope is destroyed only if no rule keeps it.
 */
public record Pruning(List<KeepRule> keep, Scope scope) {

  /** Which snapshots the job prunes. */
  public enum Scope {
    /** Only snapshots whose name starts with the job's own snapshot prefix. */
    OWN,
    /** Every snapshot of the selected datasets, as zrepl does. */
    ALL;

    /** The name used in the configuration. */
    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Pruning {
    keep = List.copyOf(keep);
    Objects.requireNonNull(scope, "scope");
    if (keep.isEmpty()) {
      throw new IllegalArgumentException("an empty keep list would destroy every snapshot");
    }
  }
}
