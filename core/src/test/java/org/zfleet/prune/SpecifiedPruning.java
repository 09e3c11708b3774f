package org.zfleet.prune;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.zfleet.config.KeepRule;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.schedule.SnapshotNaming;

/**
 * The definitions, transcribed as plainly as possible (quadratic, explicit buckets), to
 * check {@link Pruner} against on random scenarios. It shares no code with the pruner.
 */
final class SpecifiedPruning {

  private static final Comparator<FilesystemVersion> OLDER_FIRST =
      Comparator.comparing(FilesystemVersion::creation).thenComparing(FilesystemVersion::name);

  private SpecifiedPruning() {}

  /** Names of the versions that survive. */
  static Set<String> kept(List<FilesystemVersion> versions, PrunePolicy policy, PruneContext ctx) {
    Set<String> kept = new HashSet<>();
    List<FilesystemVersion> snapshots = new ArrayList<>();
    for (FilesystemVersion v : versions) {
      if (v.isSnapshot()) {
        snapshots.add(v);
      } else {
        kept.add(v.name());
      }
    }
    snapshots.stream().max(OLDER_FIRST).ifPresent(y -> kept.add(y.name()));
    Optional<FilesystemVersion> cycleSnapshot =
        snapshots.stream()
            .filter(s -> ctx.cycleSnapshot().equals(Optional.of(s.name())))
            .findFirst();
    for (FilesystemVersion s : snapshots) {
      boolean thisCycle =
          ctx.cycleStart().isPresent()
              && (cycleSnapshot.isPresent()
                  ? s.createTxg() >= cycleSnapshot.get().createTxg()
                  : !s.creation().isBefore(ctx.cycleStart().get().truncatedTo(ChronoUnit.SECONDS)));
      if (thisCycle) {
        kept.add(s.name());
      }
      for (Protection p : ctx.protections()) {
        if (p.snapshot().matches(s)) {
          kept.add(s.name());
        }
      }
    }
    List<FilesystemVersion> judged = new ArrayList<>();
    for (FilesystemVersion s : snapshots) {
      if (policy.scope() instanceof PruneScope.Own own
          && !(own.naming().parse(s.name()) instanceof SnapshotNaming.Parsed.Timestamped)) {
        kept.add(s.name());
      } else {
        judged.add(s);
      }
    }
    if (policy.rules().isEmpty()) {
      judged.forEach(s -> kept.add(s.name()));
    }
    List<CursorState.Known> cursors =
        ctx.cursors().stream()
            .filter(c -> c instanceof CursorState.Known)
            .map(c -> (CursorState.Known) c)
            .toList();
    for (KeepRule rule : policy.rules()) {
      kept.addAll(keptBy(rule, judged, cursors));
    }
    return kept;
  }

  static Set<String> keptBy(
      KeepRule rule, List<FilesystemVersion> judged, List<CursorState.Known> cursors) {
    Set<String> kept = new HashSet<>();
    if (rule instanceof KeepRule.Grid grid) {
      List<FilesystemVersion> matching = matching(judged, grid.regex());
      if (matching.isEmpty()) {
        return kept;
      }
      FilesystemVersion youngest = matching.stream().max(OLDER_FIRST).orElseThrow();
      Instant anchor = youngest.creation();
      kept.add(youngest.name());
      Duration start = Duration.ZERO;
      for (KeepRule.GridInterval term : grid.intervals()) {
        for (int b = 0; b < term.count(); b++) {
          Duration end = start.plus(term.length());
          Instant newest = anchor.minus(start);
          Instant oldest = anchor.minus(end);
          List<FilesystemVersion> bucket = new ArrayList<>();
          for (FilesystemVersion s : matching) {
            if (oldest.isBefore(s.creation()) && !s.creation().isAfter(newest)) {
              bucket.add(s);
            }
          }
          bucket.sort(OLDER_FIRST);
          int keep = term.keep().isPresent() ? term.keep().getAsInt() : bucket.size();
          bucket.stream().limit(keep).forEach(s -> kept.add(s.name()));
          start = end;
        }
      }
    } else if (rule instanceof KeepRule.LastN lastN) {
      List<FilesystemVersion> matching =
          new ArrayList<>(lastN.regex().map(re -> matching(judged, re)).orElse(judged));
      matching.sort(OLDER_FIRST.reversed());
      matching.stream().limit(lastN.count()).forEach(s -> kept.add(s.name()));
    } else if (rule instanceof KeepRule.Regex regex) {
      for (FilesystemVersion s : judged) {
        if (regex.regex().matcher(s.name()).find() != regex.negate()) {
          kept.add(s.name());
        }
      }
    } else if (rule instanceof KeepRule.NotReplicated) {
      for (FilesystemVersion s : judged) {
        for (CursorState.Known c : cursors) {
          if (s.guid() == c.guid()) {
            kept.add(s.name());
          }
        }
        if (cursors.stream().anyMatch(c -> s.createTxg() >= c.createTxg())) {
          kept.add(s.name());
        }
      }
    }
    return kept;
  }

  private static List<FilesystemVersion> matching(List<FilesystemVersion> in, Pattern regex) {
    return in.stream().filter(s -> regex.matcher(s.name()).find()).toList();
  }
}
