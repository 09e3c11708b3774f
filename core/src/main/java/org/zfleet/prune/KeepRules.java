package org.zfleet.prune;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import org.zfleet.config.KeepRule;
import org.zfleet.model.FilesystemVersion;

/**
 * The keep rules, each applied to the judged snapshots in age order (oldest first, see {@link
 * Pruner#OLDEST_FIRST}). Every rule makes one pass over them: no rule is quadratic.
 *
 * <p>Regexes match anywhere in the short name ({@link java.util.regex.Matcher#find()}), as zrepl's
 * do; anchor them with {@code ^} and {@code $} to match whole names.
 */
final class KeepRules {

  private KeepRules() {}

  static void apply(
      KeepRule rule,
      List<FilesystemVersion> versions,
      int[] oldestFirst,
      List<CursorState.Known> cursors,
      Reasons out) {
    if (rule instanceof KeepRule.Grid grid) {
      grid(grid, versions, oldestFirst, out);
    } else if (rule instanceof KeepRule.LastN lastN) {
      lastN(lastN, versions, oldestFirst, out);
    } else if (rule instanceof KeepRule.Regex regex) {
      regex(regex, versions, oldestFirst, out);
    } else if (rule instanceof KeepRule.NotReplicated notReplicated) {
      notReplicated(notReplicated, versions, oldestFirst, cursors, out);
    } else {
      throw new IllegalArgumentException("unknown keep rule " + rule);
    }
  }

  /**
   * Buckets laid back to back into the past from the youngest matching snapshot (the anchor); a
   * bucket covering ages {@code [start, end)} holds the snapshots with {@code anchor - end <
   * creation <= anchor - start} and keeps its {@code keep} oldest. Beyond the last bucket nothing
   * is kept. Bucket membership only grows older along the age order, so each bucket is one run of
   * consecutive snapshots and one pass counts them.
   */
  private static void grid(
      KeepRule.Grid grid, List<FilesystemVersion> versions, int[] oldestFirst, Reasons out) {
    int[] matching = matching(grid.regex(), versions, oldestFirst);
    if (matching.length == 0) {
      return;
    }
    int anchorIndex = matching[matching.length - 1];
    Instant anchor = versions.get(anchorIndex).creation();
    List<KeepRule.GridInterval> terms = grid.intervals();
    Duration[] termEnd = new Duration[terms.size()];
    Duration end = Duration.ZERO;
    for (int t = 0; t < terms.size(); t++) {
      end = end.plus(terms.get(t).length().multipliedBy(terms.get(t).count()));
      termEnd[t] = end;
    }
    KeepReason byGrid = new KeepReason.ByRule(grid);
    int bucketTerm = -1;
    long bucket = -1;
    int keptInBucket = 0;
    boolean anchorKept = false;
    for (int index : matching) {
      Duration age = Duration.between(versions.get(index).creation(), anchor);
      int term = termOf(age, termEnd);
      if (term < 0) {
        continue;
      }
      Duration termStart = term == 0 ? Duration.ZERO : termEnd[term - 1];
      long b = bucketOf(age.minus(termStart), terms.get(term).length());
      if (term != bucketTerm || b != bucket) {
        bucketTerm = term;
        bucket = b;
        keptInBucket = 0;
      }
      OptionalInt keep = terms.get(term).keep();
      if (keep.isEmpty() || keptInBucket < keep.getAsInt()) {
        keptInBucket++;
        out.add(index, byGrid);
        anchorKept |= index == anchorIndex;
      }
    }
    if (!anchorKept) {
      out.add(anchorIndex, new KeepReason.GridAnchor(grid));
    }
  }

  // Duration.dividedBy(Duration) divides BigDecimals: most of a large listing's grid pruning.
  // Ages and bucket lengths under 292 years fit in nanoseconds and divide as longs.
  private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);

  /** Which bucket of {@code length} an offset {@code >= 0} into its term falls in. */
  static long bucketOf(Duration offset, Duration length) {
    if (offset.compareTo(MAX_NANOS) < 0 && length.compareTo(MAX_NANOS) < 0) {
      return offset.toNanos() / length.toNanos();
    }
    return offset.dividedBy(length);
  }

  /** The term whose ages {@code [start, end)} hold {@code age}, or -1 past the last. */
  private static int termOf(Duration age, Duration[] termEnd) {
    for (int t = 0; t < termEnd.length; t++) {
      if (age.compareTo(termEnd[t]) < 0) {
        return t;
      }
    }
    return -1;
  }

  /** The {@code count} youngest matching; ties on creation go to the greater name. */
  private static void lastN(
      KeepRule.LastN lastN, List<FilesystemVersion> versions, int[] oldestFirst, Reasons out) {
    Pattern regex = lastN.regex().orElse(null);
    KeepReason reason = new KeepReason.ByRule(lastN);
    int kept = 0;
    for (int k = oldestFirst.length - 1; k >= 0 && kept < lastN.count(); k--) {
      int index = oldestFirst[k];
      if (regex == null || regex.matcher(versions.get(index).name()).find()) {
        out.add(index, reason);
        kept++;
      }
    }
  }

  private static void regex(
      KeepRule.Regex rule, List<FilesystemVersion> versions, int[] oldestFirst, Reasons out) {
    KeepReason reason = new KeepReason.ByRule(rule);
    for (int index : oldestFirst) {
      if (rule.regex().matcher(versions.get(index).name()).find() != rule.negate()) {
        out.add(index, reason);
      }
    }
  }

  /**
   * Everything from the oldest cursor on (by createtxg, the cursor's own snapshot included): a
   * snapshot is kept while any destination still lacks it. The cursor's GUID is matched too, in
   * case its snapshot's createtxg is reported differently.
   */
  private static void notReplicated(
      KeepRule.NotReplicated rule,
      List<FilesystemVersion> versions,
      int[] oldestFirst,
      List<CursorState.Known> cursors,
      Reasons out) {
    if (cursors.isEmpty()) {
      throw new IllegalStateException("not-replicated evaluated without a cursor");
    }
    long fromTxg = Long.MAX_VALUE;
    Set<Long> cursorGuids = new HashSet<>();
    for (CursorState.Known cursor : cursors) {
      fromTxg = Math.min(fromTxg, cursor.createTxg());
      cursorGuids.add(cursor.guid());
    }
    KeepReason reason = new KeepReason.ByRule(rule);
    for (int index : oldestFirst) {
      FilesystemVersion v = versions.get(index);
      if (v.createTxg() >= fromTxg || cursorGuids.contains(v.guid())) {
        out.add(index, reason);
      }
    }
  }

  private static int[] matching(Pattern regex, List<FilesystemVersion> versions, int[] indices) {
    return java.util.Arrays.stream(indices)
        .filter(i -> regex.matcher(versions.get(i).name()).find())
        .toArray();
  }
}
