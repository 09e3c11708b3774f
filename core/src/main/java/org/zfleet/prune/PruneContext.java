package org.zfleet.prune;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an evaluation needs to know besides the snapshots and the policy: when the current cycle
 * started (snapshots created since are never destroyed), snapshots replication protects, and the
 * replication cursors of the destinations (for {@code not-replicated}).
 */
public record PruneContext(
    Optional<Instant> cycleStart, List<Protection> protections, List<CursorState> cursors) {

  public PruneContext {
    Objects.requireNonNull(cycleStart, "cycleStart");
    protections = List.copyOf(protections);
    cursors = List.copyOf(cursors);
  }

  /** The context of a job cycle that started at {@code cycleStart}. */
  public static PruneContext cycle(Instant cycleStart) {
    return new PruneContext(Optional.of(cycleStart), List.of(), List.of());
  }

  /** No cycle, no protections, no cursors: a dry run over a given list. */
  public static PruneContext offline() {
    return new PruneContext(Optional.empty(), List.of(), List.of());
  }

  public PruneContext withProtection(Protection protection) {
    List<Protection> more = new ArrayList<>(protections);
    more.add(protection);
    return new PruneContext(cycleStart, more, cursors);
  }

  public PruneContext withCursor(CursorState cursor) {
    List<CursorState> more = new ArrayList<>(cursors);
    more.add(cursor);
    return new PruneContext(cycleStart, protections, more);
  }
}
