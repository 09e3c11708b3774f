package org.zfleet.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.model.SnapshotName;

/**
 * When a job takes snapshots. Snapshot names are {@code <prefix><UTC timestamp>}; the prefix is
 * also how pruning with {@code scope = own} recognises the job's own snapshots.
 */
public sealed interface Snapshotting {

  /** The prefix of the snapshots the job takes, if it takes or owns any. */
  Optional<String> prefix();

  /** Hooks run around each snapshot (none for manual snapshotting). */
  List<Hook> hooks();

  /** Every {@code interval}, counted from the last snapshot. */
  record Periodic(String snapshotPrefix, Duration interval, List<Hook> hooks)
      implements Snapshotting {
    public Periodic {
      checkPrefix(snapshotPrefix);
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("snapshot interval must be positive, got " + interval);
      }
      hooks = List.copyOf(hooks);
    }

    @Override
    public Optional<String> prefix() {
      return Optional.of(snapshotPrefix);
    }
  }

  /**
   * At the times of a five-field cron expression, read on the clock of {@code timeZone} (the node's
   * zone unless the job names one). Snapshot names stay in UTC.
   */
  record Cron(String snapshotPrefix, CronSpec cron, ZoneId timeZone, List<Hook> hooks)
      implements Snapshotting {
    public Cron {
      checkPrefix(snapshotPrefix);
      Objects.requireNonNull(cron, "cron");
      Objects.requireNonNull(timeZone, "timeZone");
      hooks = List.copyOf(hooks);
    }

    @Override
    public Optional<String> prefix() {
      return Optional.of(snapshotPrefix);
    }
  }

  /**
   * The job takes no snapshots itself (another job or the operator does); the optional prefix names
   * the snapshots it owns for pruning with {@code scope = own}.
   */
  record Manual(Optional<String> prefix) implements Snapshotting {
    public Manual {
      Objects.requireNonNull(prefix, "prefix");
      prefix.ifPresent(Snapshotting::checkPrefix);
    }

    @Override
    public List<Hook> hooks() {
      return List.of();
    }
  }

  /** The longest prefix accepted, leaving room for the timestamp within ZFS's name limit. */
  int MAX_PREFIX_LENGTH = 64;

  /** Why {@code prefix} cannot start a snapshot name, or null if it can. */
  static String prefixProblem(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return "the prefix must not be empty";
    }
    if (prefix.length() > MAX_PREFIX_LENGTH) {
      return "the prefix is longer than " + MAX_PREFIX_LENGTH + " characters";
    }
    String problem = SnapshotName.shortNameProblem(prefix);
    return problem == null ? null : "\"" + prefix + "\" cannot start a snapshot name: " + problem;
  }

  private static void checkPrefix(String prefix) {
    String problem = prefixProblem(prefix);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }
}
