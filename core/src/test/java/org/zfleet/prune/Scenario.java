package org.zfleet.prune;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.zfleet.config.KeepRule;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.schedule.SnapshotNaming;

/**
 * A random pruning scenario drawn from a seed, built to hit the corners: creations on a 15-minute
 * lattice (so snapshots land exactly on bucket boundaries and share creations), own, foreign and
 * malformed names, grids whose buckets are multiples of the lattice, protections and cursors.
 */
record Scenario(
    long seed, List<FilesystemVersion> versions, PrunePolicy policy, PruneContext context) {

  static final SnapshotNaming NAMING = new SnapshotNaming("zfleet_");
  private static final Instant BASE = Instant.parse("2026-03-01T00:00:00Z");
  private static final Duration STEP = Duration.ofMinutes(15);
  private static final String[] REGEXES = {"", "^zfleet_", "^a_", "_1", "^b_|^manual"};
  private static final Duration[] LENGTHS = {
    Duration.ofMinutes(15),
    Duration.ofMinutes(30),
    Duration.ofHours(1),
    Duration.ofHours(2),
    Duration.ofHours(6),
    Duration.ofDays(1)
  };

  /** A scenario whose cursors are all known (a {@code not-replicated} rule can judge). */
  static Scenario judgeable(long seed) {
    Random r = new Random(seed);
    List<FilesystemVersion> versions = versions(r);
    List<KeepRule> rules = rules(r);
    PruneScope scope = r.nextBoolean() ? PruneScope.own(NAMING) : PruneScope.all();
    PruneContext context = context(r, versions);
    if (rules.stream().anyMatch(k -> k instanceof KeepRule.NotReplicated)) {
      int destinations = 1 + r.nextInt(2);
      for (int d = 0; d < destinations; d++) {
        context = context.withCursor(knownCursor(r, "sink-" + d, versions));
      }
    }
    return new Scenario(seed, versions, new PrunePolicy(rules, scope), context);
  }

  /** Any scenario: cursors may be missing or absent, with or without a not-replicated rule. */
  static Scenario anyCursors(long seed) {
    Random r = new Random(seed);
    List<FilesystemVersion> versions = versions(r);
    List<KeepRule> rules = rules(r);
    PruneContext context = PruneContext.offline();
    int destinations = r.nextInt(3);
    for (int d = 0; d < destinations; d++) {
      context =
          context.withCursor(
              r.nextBoolean()
                  ? knownCursor(r, "sink-" + d, versions)
                  : new CursorState.Missing("sink-" + d));
    }
    return new Scenario(seed, versions, new PrunePolicy(rules, PruneScope.all()), context);
  }

  private static List<FilesystemVersion> versions(Random r) {
    int wanted = r.nextInt(41);
    Set<String> names = new HashSet<>();
    List<String> kept = new ArrayList<>();
    List<Instant> creations = new ArrayList<>();
    for (int i = 0; i < wanted; i++) {
      Instant creation = BASE.plus(STEP.multipliedBy(r.nextInt(4 * 24 * 3 + 1)));
      String name =
          switch (r.nextInt(6)) {
            case 0, 1 -> NAMING.name(creation);
            case 2 -> "manual_" + r.nextInt(10);
            case 3 -> "zfleet_bad" + r.nextInt(5);
            default -> (r.nextBoolean() ? "a_" : "b_") + r.nextInt(20);
          };
      if (names.add(name)) {
        kept.add(name);
        creations.add(creation);
      }
    }
    List<Integer> byAge = new ArrayList<>();
    for (int i = 0; i < kept.size(); i++) {
      byAge.add(i);
    }
    byAge.sort(Comparator.comparing((Integer i) -> creations.get(i)).thenComparing(kept::get));
    List<FilesystemVersion> out = new ArrayList<>();
    for (int rank = 0; rank < byAge.size(); rank++) {
      int i = byAge.get(rank);
      out.add(FilesystemVersion.snapshot(kept.get(i), 1000 + rank, rank + 1, creations.get(i)));
    }
    if (r.nextInt(8) == 0) {
      out.add(FilesystemVersion.bookmark("cursor", 7, 1, BASE.plus(Duration.ofDays(9))));
    }
    Collections.shuffle(out, r);
    return out;
  }

  private static List<KeepRule> rules(Random r) {
    List<KeepRule> rules = new ArrayList<>();
    int count = r.nextInt(4);
    for (int i = 0; i < count; i++) {
      rules.add(
          switch (r.nextInt(4)) {
            case 0, 1 -> grid(r);
            case 2 ->
                new KeepRule.LastN(
                    1 + r.nextInt(6), r.nextBoolean() ? Optional.empty() : Optional.of(regex(r)));
            default ->
                r.nextBoolean()
                    ? new KeepRule.Regex(regex(r), r.nextBoolean())
                    : new KeepRule.NotReplicated();
          });
    }
    return rules;
  }

  private static KeepRule.Grid grid(Random r) {
    List<KeepRule.GridInterval> terms = new ArrayList<>();
    int count = 1 + r.nextInt(3);
    for (int t = 0; t < count; t++) {
      int keep = r.nextInt(4);
      terms.add(
          new KeepRule.GridInterval(
              1 + r.nextInt(4),
              LENGTHS[r.nextInt(LENGTHS.length)],
              keep == 0 ? OptionalInt.empty() : OptionalInt.of(keep)));
    }
    String spec =
        terms.stream()
            .map(
                t ->
                    t.count()
                        + "x"
                        + t.length()
                        + "(keep="
                        + (t.keep().isPresent() ? t.keep().getAsInt() : "all")
                        + ")")
            .collect(Collectors.joining(" | "));
    return new KeepRule.Grid(terms, regex(r), spec);
  }

  private static Pattern regex(Random r) {
    return Pattern.compile(REGEXES[r.nextInt(REGEXES.length)]);
  }

  private static PruneContext context(Random r, List<FilesystemVersion> versions) {
    Instant cycleStart =
        BASE.plus(STEP.multipliedBy(r.nextInt(4 * 24 * 3 + 1))).plusMillis(r.nextInt(1000));
    PruneContext context =
        switch (r.nextInt(6)) {
          case 0 -> PruneContext.cycle(cycleStart);
          case 1 ->
              PruneContext.cycle(
                  cycleStart,
                  versions.isEmpty() || r.nextInt(4) == 0
                      ? "absent"
                      : versions.get(r.nextInt(versions.size())).name());
          default -> PruneContext.offline();
        };
    int protections = versions.isEmpty() ? 0 : r.nextInt(3);
    for (int p = 0; p < protections; p++) {
      FilesystemVersion v = versions.get(r.nextInt(versions.size()));
      context =
          context.withProtection(
              r.nextBoolean()
                  ? Protection.ofGuid(r.nextInt(4) == 0 ? 1 : v.guid(), "base " + p)
                  : Protection.ofName(v.name(), "in flight " + p));
    }
    return context;
  }

  private static CursorState.Known knownCursor(
      Random r, String destination, List<FilesystemVersion> versions) {
    long txg = r.nextInt(versions.size() + 2);
    long guid =
        versions.stream()
            .filter(v -> v.createTxg() == txg)
            .mapToLong(FilesystemVersion::guid)
            .findFirst()
            .orElse(1);
    return new CursorState.Known(destination, guid, txg);
  }

  @Override
  public String toString() {
    return "seed "
        + seed
        + "\n  versions "
        + versions.stream()
            .map(v -> v.relativeName() + "@" + v.creation() + "/txg" + v.createTxg())
            .toList()
        + "\n  rules "
        + policy.rules().stream().map(KeepRule::describe).toList()
        + " scope "
        + policy.scope()
        + "\n  context "
        + context;
  }
}
