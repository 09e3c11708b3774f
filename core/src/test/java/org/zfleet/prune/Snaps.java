package org.zfleet.prune;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.zfleet.config.KeepRule;
import org.zfleet.model.FilesystemVersion;

/**
 * Compact notation for pruning tests.
 *
 * <p>{@code snaps("a -2h", "b -90m", "c 0")}: one snapshot per string, {@code <name> <time>}, the
 * time either an ISO instant or an offset from {@link #T0} such as {@code -1d2h30m}, {@code 0} or
 * {@code +15s}. GUID and createtxg are 1, 2, ... in the order given (list oldest first).
 *
 * <p>{@code grid("1x1h(keep=all) | 24x1h", "^a")}: a grid rule in zrepl's syntax (keep defaults to
 * 1).
 */
final class Snaps {

  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  private static final Pattern OFFSET_PART = Pattern.compile("(\\d+)([dhms])");
  private static final Pattern TERM =
      Pattern.compile(
          "\\s*(\\d+)\\s*x\\s*(\\w+)\\s*(?:\\(\\s*keep\\s*=\\s*(all|\\d+)\\s*\\))?\\s*");

  private Snaps() {}

  static List<FilesystemVersion> snaps(String... specs) {
    List<FilesystemVersion> out = new ArrayList<>();
    for (String spec : specs) {
      String[] parts = spec.trim().split("\\s+");
      if (parts.length != 2) {
        throw new IllegalArgumentException("expected \"<name> <time>\", got \"" + spec + "\"");
      }
      long n = out.size() + 1;
      out.add(FilesystemVersion.snapshot(parts[0], n, n, time(parts[1])));
    }
    return out;
  }

  static Instant time(String text) {
    if (text.equals("0")) {
      return T0;
    }
    if (text.startsWith("-") || text.startsWith("+")) {
      Duration d = duration(text.substring(1));
      return text.startsWith("-") ? T0.minus(d) : T0.plus(d);
    }
    return Instant.parse(text);
  }

  /** {@code 1d2h30m15s}, any subset, in that order. */
  static Duration duration(String text) {
    Matcher m = OFFSET_PART.matcher(text);
    Duration d = Duration.ZERO;
    int at = 0;
    while (m.find() && m.start() == at) {
      long v = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "d" -> Duration.ofDays(v);
                case "h" -> Duration.ofHours(v);
                case "m" -> Duration.ofMinutes(v);
                default -> Duration.ofSeconds(v);
              });
      at = m.end();
    }
    if (at != text.length() || text.isEmpty()) {
      throw new IllegalArgumentException("bad duration \"" + text + "\"");
    }
    return d;
  }

  static KeepRule.Grid grid(String spec, String regex) {
    List<KeepRule.GridInterval> terms = new ArrayList<>();
    for (String term : spec.split("\\|")) {
      Matcher m = TERM.matcher(term);
      if (!m.matches()) {
        throw new IllegalArgumentException("bad grid term \"" + term + "\"");
      }
      String keep = m.group(3);
      terms.add(
          new KeepRule.GridInterval(
              Integer.parseInt(m.group(1)),
              duration(m.group(2)),
              keep == null
                  ? OptionalInt.of(1)
                  : keep.equals("all")
                      ? OptionalInt.empty()
                      : OptionalInt.of(Integer.parseInt(keep))));
    }
    return new KeepRule.Grid(terms, Pattern.compile(regex), spec);
  }

  static KeepRule.LastN lastN(int count) {
    return new KeepRule.LastN(count, java.util.Optional.empty());
  }

  static KeepRule.LastN lastN(int count, String regex) {
    return new KeepRule.LastN(count, java.util.Optional.of(Pattern.compile(regex)));
  }

  static KeepRule.Regex regex(String regex) {
    return new KeepRule.Regex(Pattern.compile(regex), false);
  }

  static KeepRule.Regex notRegex(String regex) {
    return new KeepRule.Regex(Pattern.compile(regex), true);
  }

  static PrunePolicy all(KeepRule... rules) {
    return new PrunePolicy(Arrays.asList(rules), PruneScope.all());
  }

  static List<String> names(List<FilesystemVersion> versions) {
    return versions.stream().map(FilesystemVersion::name).toList();
  }

  static PruneOutcome.Evaluated evaluated(PruneOutcome outcome) {
    if (outcome instanceof PruneOutcome.Evaluated e) {
      return e;
    }
    throw new AssertionError("expected an evaluation, got " + outcome);
  }

  /** The names destroyed when evaluating offline (no cycle, no protections). */
  static List<String> destroyed(List<FilesystemVersion> snaps, PrunePolicy policy) {
    return names(evaluated(Pruner.evaluate(snaps, policy, PruneContext.offline())).toDestroy());
  }

  /** The keep reasons of one snapshot, as described in reports. */
  static List<String> reasons(PruneOutcome outcome, String name) {
    return evaluated(outcome).decisions().stream()
        .filter(d -> d.version().name().equals(name))
        .findFirst()
        .map(
            d ->
                d instanceof SnapshotDecision.Keep k
                    ? k.reasons().stream().map(KeepReason::describe).toList()
                    : List.<String>of())
        .orElseThrow(() -> new AssertionError("no decision for " + name));
  }
}
