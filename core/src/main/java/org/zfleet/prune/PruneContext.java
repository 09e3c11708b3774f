package org.zfleet.prune;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an evaluation needs to know besides the snapshots and the policy: when the current cycle
 * started and the snapshot it took (what the cycle took is never destroyed in it), snapshots
 * replication protects, and the replication cursors of the destinations (for {@code
 * not-replicated}).
 */
public record PruneContext(
    Optional<Instant> cycleStart,
    Optional<String> cycleSnapshot,
    List<Protection> protections,
    List<CursorState> cursors) {

  public PruneContext {
    Objects.requireNonNull(cycleStart, "cycleStart");
    Objects.requireNonNull(cycleSnapshot, "cycleSnapshot");
    protections = List.copyOf(protections);
    cursors = List.copyOf(cursors);
  }

  /**
   * The context of a job cycle that started at {@code cycleStart} and took no snapshot of its own
   * (a pull): snapshots created since, to the second, are the cycle's.
   */
  public static PruneContext cycle(Instant cycleStart) {
    return new PruneContext(Optional.of(cycleStart), Optional.empty(), List.of(), List.of());
  }

  /**
   * The context of a job cycle that started at {@code cycleStart} and took the snapshot {@code
   * snapshotName}: where a filesystem has it, the cycle's snapshots are it and those created after
   * it (by createtxg), since a snapshot of an earlier cycle may have been created in the same
   * second.
   */
  public static PruneContext cycle(Instant cycleStart, String snapshotName) {
    return new PruneContext(
        Optional.of(cycleStart), Optional.of(snapshotName), List.of(), List.of());
  }

  /** No cycle, no protections, no cursors: a dry run over a given list. */
  public static PruneContext offline() {
    return new PruneContext(Optional.empty(), Optional.empty(), List.of(), List.of());
  }

  public PruneContext withProtection(Protection protection) {
    List<Protection> more = new ArrayList<>(protections);
    more.add(protection);
    return new PruneContext(cycleStart, cycleSnapshot, more, cursors);
  }

  public PruneContext withCursor(CursorState cursor) {
    List<CursorState> more = new ArrayList<>(cursors);
    more.add(cursor);
    return new PruneContext(cycleStart, cycleSnapshot, protections, more);
  }
}
