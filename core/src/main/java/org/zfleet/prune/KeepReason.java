package org.zfleet.prune;

import java.util.Objects;
import org.zfleet.config.KeepRule;

/** Why a snapshot is kept: a keep rule, or one of the guards that hold whatever the rules say. */
public sealed interface KeepReason {

  /** One line for reports, e.g. {@code last-n(10)} or {@code youngest snapshot}. */
  String describe();

  /** A keep rule keeps it. */
  record ByRule(KeepRule rule) implements KeepReason {
    public ByRule {
      Objects.requireNonNull(rule, "rule");
    }

    @Override
    public String describe() {
      return rule.describe();
    }
  }

  /**
   * The youngest snapshot matching a grid's regex: the grid is anchored at it, so destroying it
   * would move the grid and change the verdicts on the next run.
   */
  record GridAnchor(KeepRule.Grid grid) implements KeepReason {
    public GridAnchor {
      Objects.requireNonNull(grid, "grid");
    }

    @Override
    public String describe() {
      return grid.describe() + " anchor";
    }
  }

  /** The youngest snapshot of the filesystem is never destroyed. */
  record Youngest() implements KeepReason {
    @Override
    public String describe() {
      return "youngest snapshot";
    }
  }

  /** Created in the current cycle, so never destroyed in it. */
  record TakenThisCycle() implements KeepReason {
    @Override
    public String describe() {
      return "taken in the current cycle";
    }
  }

  /** Protected by replication (incremental base, step in flight, ...). */
  record Protected(String reason) implements KeepReason {
    public Protected {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String describe() {
      return reason;
    }
  }

  /** Not named by this job, and the scope is {@code own}. */
  record OutOfScope(String prefix) implements KeepReason {
    public OutOfScope {
      Objects.requireNonNull(prefix, "prefix");
    }

    @Override
    public String describe() {
      return "not named by this job (prefix " + prefix + ", scope = own)";
    }
  }

  /** Has this job's prefix but the rest does not parse: kept and reported. */
  record UnparseableName(String problem) implements KeepReason {
    public UnparseableName {
      Objects.requireNonNull(problem, "problem");
    }

    @Override
    public String describe() {
      return "name does not parse: " + problem;
    }
  }

  /** The policy has no keep rules, and no rules means nothing is destroyed. */
  record NoRules() implements KeepReason {
    @Override
    public String describe() {
      return "no keep rules configured";
    }
  }

  /** A bookmark: pruning judges snapshots only. */
  record NotASnapshot() implements KeepReason {
    @Override
    public String describe() {
      return "bookmark (pruning judges snapshots only)";
    }
  }
}
