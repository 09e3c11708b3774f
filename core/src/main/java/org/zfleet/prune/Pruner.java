package org.zfleet.prune;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.IntStream;
import org.zfleet.config.KeepRule;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.schedule.SnapshotNaming;

/**
 * Evaluates a pruning policy over one filesystem's snapshots: a snapshot is destroyed only if no
 * keep rule and no guard keeps it, and a policy without rules destroys nothing. The rules mean what
 * zrepl's mean; the guards are zfleet's own:
 *
 * <ul>
 *   <li>the youngest snapshot of the filesystem is never destroyed;
 *   <li>nor is anything created since the current cycle started (to the second, as ZFS records
 *       creation);
 *   <li>nor a snapshot the context protects (incremental base, step in flight);
 *   <li>with scope {@code own}, snapshots the job did not name are not judged and are kept;
 *   <li>each grid keeps its anchor (its youngest matching snapshot), so evaluating the survivors
 *       again destroys nothing more.
 * </ul>
 *
 * <p>"Younger" means later creation, and for equal creation the greater name ({@link
 * #OLDEST_FIRST}); this is also how last-n breaks ties. The list is sorted once and each rule makes
 * one pass, so 100,000 snapshots take well under a second.
 */
public final class Pruner {

  /** Age order: by creation, then by name; the last element is the youngest. */
  public static final Comparator<FilesystemVersion> OLDEST_FIRST =
      Comparator.comparing(FilesystemVersion::creation).thenComparing(FilesystemVersion::name);

  private Pruner() {}

  /**
   * Judges {@code versions} (one filesystem's snapshots, in any order; bookmarks are kept
   * untouched). Returns {@link PruneOutcome.Refused} if a {@code not-replicated} rule lacks a
   * destination's cursor, otherwise a decision for every entry, in input order.
   *
   * @throws IllegalArgumentException if two snapshots in the list have the same name
   */
  public static PruneOutcome evaluate(
      List<FilesystemVersion> versions, PrunePolicy policy, PruneContext context) {
    Optional<PruneOutcome.Refused> refusal = refusal(policy, context);
    if (refusal.isPresent()) {
      return refusal.get();
    }
    Reasons reasons = new Reasons(versions.size());
    int[] snapshots = snapshotsOldestFirst(versions, reasons);
    guard(versions, snapshots, context, reasons);
    List<String> unparseable = new ArrayList<>();
    int[] judged = inScope(versions, snapshots, policy.scope(), reasons, unparseable);
    List<CursorState.Known> cursors =
        context.cursors().stream()
            .filter(c -> c instanceof CursorState.Known)
            .map(c -> (CursorState.Known) c)
            .toList();
    for (KeepRule rule : policy.rules()) {
      KeepRules.apply(rule, versions, judged, cursors, reasons);
    }
    if (policy.rules().isEmpty()) {
      for (int index : judged) {
        reasons.add(index, new KeepReason.NoRules());
      }
    }
    return decide(versions, reasons, unparseable);
  }

  private static Optional<PruneOutcome.Refused> refusal(PrunePolicy policy, PruneContext context) {
    if (!policy.needsReplicationCursor()) {
      return Optional.empty();
    }
    List<String> missing =
        context.cursors().stream()
            .filter(c -> c instanceof CursorState.Missing)
            .map(CursorState::destination)
            .toList();
    if (context.cursors().isEmpty() || !missing.isEmpty()) {
      String detail =
          missing.isEmpty()
              ? " (no destination cursor known)"
              : " for " + String.join(", ", missing);
      return Optional.of(
          new PruneOutcome.Refused(
              PruneOutcome.Refusal.REPLICATION_CURSOR_MISSING,
              "prune refused: replication cursor missing" + detail));
    }
    return Optional.empty();
  }

  private static int[] snapshotsOldestFirst(List<FilesystemVersion> versions, Reasons reasons) {
    Set<String> names = new HashSet<>();
    List<Integer> snapshots = new ArrayList<>(versions.size());
    for (int i = 0; i < versions.size(); i++) {
      FilesystemVersion v = versions.get(i);
      if (!v.isSnapshot()) {
        reasons.add(i, new KeepReason.NotASnapshot());
        continue;
      }
      if (!names.add(v.name())) {
        throw new IllegalArgumentException("snapshot @" + v.name() + " appears twice in the list");
      }
      snapshots.add(i);
    }
    snapshots.sort(Comparator.comparing(versions::get, OLDEST_FIRST));
    return snapshots.stream().mapToInt(Integer::intValue).toArray();
  }

  private static void guard(
      List<FilesystemVersion> versions, int[] oldestFirst, PruneContext context, Reasons reasons) {
    if (oldestFirst.length > 0) {
      reasons.add(oldestFirst[oldestFirst.length - 1], new KeepReason.Youngest());
    }
    if (context.cycleStart().isPresent()) {
      OptionalLong cycleTxg =
          context
              .cycleSnapshot()
              .map(
                  name ->
                      Arrays.stream(oldestFirst)
                          .filter(i -> versions.get(i).name().equals(name))
                          .mapToLong(i -> versions.get(i).createTxg())
                          .findFirst())
              .orElse(OptionalLong.empty());
      // ZFS records creation in whole seconds: one taken at 12:00:00.7 reads 12:00:00, and so may
      // the previous cycle's if it came less than a second before. The cycle's own snapshot, where
      // the filesystem has it, draws the line exactly.
      Instant since = context.cycleStart().get().truncatedTo(ChronoUnit.SECONDS);
      for (int index : oldestFirst) {
        FilesystemVersion v = versions.get(index);
        boolean thisCycle =
            cycleTxg.isPresent()
                ? v.createTxg() >= cycleTxg.getAsLong()
                : !v.creation().isBefore(since);
        if (thisCycle) {
          reasons.add(index, new KeepReason.TakenThisCycle());
        }
      }
    }
    if (context.protections().isEmpty()) {
      return;
    }
    Map<Long, List<String>> byGuid = new HashMap<>();
    Map<String, List<String>> byName = new HashMap<>();
    for (Protection p : context.protections()) {
      if (p.snapshot() instanceof Protection.SnapshotRef.ByGuid g) {
        byGuid.computeIfAbsent(g.guid(), k -> new ArrayList<>()).add(p.reason());
      } else if (p.snapshot() instanceof Protection.SnapshotRef.ByName n) {
        byName.computeIfAbsent(n.name(), k -> new ArrayList<>()).add(p.reason());
      }
    }
    for (int index : oldestFirst) {
      FilesystemVersion v = versions.get(index);
      for (String why : byGuid.getOrDefault(v.guid(), List.of())) {
        reasons.add(index, new KeepReason.Protected(why));
      }
      for (String why : byName.getOrDefault(v.name(), List.of())) {
        reasons.add(index, new KeepReason.Protected(why));
      }
    }
  }

  /** The snapshots the rules may judge, still oldest first; the others get their keep reason. */
  private static int[] inScope(
      List<FilesystemVersion> versions,
      int[] oldestFirst,
      PruneScope scope,
      Reasons reasons,
      List<String> unparseable) {
    if (scope instanceof PruneScope.All) {
      return oldestFirst;
    }
    SnapshotNaming naming = ((PruneScope.Own) scope).naming();
    boolean[] malformed = new boolean[versions.size()];
    int[] judged =
        Arrays.stream(oldestFirst)
            .filter(
                index -> {
                  SnapshotNaming.Parsed parsed = naming.parse(versions.get(index).name());
                  if (parsed instanceof SnapshotNaming.Parsed.Malformed m) {
                    reasons.add(index, new KeepReason.UnparseableName(m.problem()));
                    malformed[index] = true;
                    return false;
                  }
                  if (parsed instanceof SnapshotNaming.Parsed.OtherPrefix) {
                    reasons.add(index, new KeepReason.OutOfScope(naming.prefix()));
                    return false;
                  }
                  return true;
                })
            .toArray();
    IntStream.range(0, versions.size())
        .filter(i -> malformed[i])
        .forEach(i -> unparseable.add(versions.get(i).name()));
    return judged;
  }

  private static PruneOutcome.Evaluated decide(
      List<FilesystemVersion> versions, Reasons reasons, List<String> unparseable) {
    List<SnapshotDecision> decisions = new ArrayList<>(versions.size());
    int kept = 0;
    for (int i = 0; i < versions.size(); i++) {
      List<KeepReason> why = reasons.of(i);
      if (why.isEmpty()) {
        decisions.add(new SnapshotDecision.Destroy(versions.get(i)));
      } else {
        decisions.add(new SnapshotDecision.Keep(versions.get(i), why));
        kept++;
      }
    }
    return new PruneOutcome.Evaluated(
        decisions, new PruneSummary(versions.size(), kept, versions.size() - kept, unparseable));
  }
}
