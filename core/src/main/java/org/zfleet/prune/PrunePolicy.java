package org.zfleet.prune;

import java.util.List;
import java.util.Objects;
import org.zfleet.config.KeepRule;

/**
 * A job's pruning configuration for one side: the keep rules (a snapshot is destroyed only if none
 * keeps it; no rules, nothing destroyed) and the scope they judge.
 */
public record PrunePolicy(List<KeepRule> rules, PruneScope scope) {

  public PrunePolicy {
    rules = List.copyOf(rules);
    Objects.requireNonNull(scope, "scope");
  }

  /** True if a {@code not-replicated} rule needs the replication cursor(s) to judge. */
  public boolean needsReplicationCursor() {
    return rules.stream().anyMatch(rule -> rule instanceof KeepRule.NotReplicated);
  }
}
