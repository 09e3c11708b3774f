package org.zfleet.cycle;

import java.util.List;
import java.util.Optional;
import org.zfleet.config.Pruning;
import org.zfleet.prune.PrunePolicy;
import org.zfleet.prune.PruneScope;
import org.zfleet.schedule.SnapshotNaming;

/** A side's keep rules as the pruner applies them. */
public final class PrunePolicies {

  private PrunePolicies() {}

  /**
   * The policy of {@code pruning} for snapshots taken with {@code prefix}: scope {@code own} judges
   * only the names with the prefix; a job that names no prefix owns no snapshot, so with scope
   * {@code own} it destroys nothing.
   */
  public static PrunePolicy of(Optional<String> prefix, Pruning pruning) {
    if (pruning.scope() == Pruning.Scope.ALL) {
      return new PrunePolicy(pruning.keep(), PruneScope.all());
    }
    return prefix
        .map(p -> new PrunePolicy(pruning.keep(), PruneScope.own(new SnapshotNaming(p))))
        .orElseGet(() -> new PrunePolicy(List.of(), PruneScope.all()));
  }
}
