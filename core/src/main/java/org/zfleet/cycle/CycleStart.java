package org.zfleet.cycle;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.prune.PruneContext;

/**
 * When the current cycle started and the snapshot it took, if any: what pruning never destroys in
 * the cycle that took it.
 */
public record CycleStart(Instant at, Optional<String> snapshot) {
  public CycleStart {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(snapshot, "snapshot");
  }

  /** A cycle that took no snapshot of its own. */
  public static CycleStart at(Instant at) {
    return new CycleStart(at, Optional.empty());
  }

  public PruneContext pruneContext() {
    return snapshot.map(s -> PruneContext.cycle(at, s)).orElseGet(() -> PruneContext.cycle(at));
  }
}
