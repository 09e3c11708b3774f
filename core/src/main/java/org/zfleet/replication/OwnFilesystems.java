package org.zfleet.replication;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.zfleet.config.FilesystemFilter;
import org.zfleet.config.Pruning;
import org.zfleet.config.Snapshotting;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.prune.PruneContext;
import org.zfleet.prune.PrunePolicy;
import org.zfleet.prune.PruneScope;
import org.zfleet.schedule.SnapshotNaming;
import org.zfleet.schedule.SnapshotSchedule;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ZfsPort;

/**
 * A job's own filesystems on this node (a snap or push job): selected by its filter, listed once
 * per cycle, snapshotted on its schedule with its prefix. Holds the last listing, which the listing
 * step writes and the job actor reads after that step reported.
 */
public final class OwnFilesystems {

  private final String job;
  private final FilesystemFilter filter;
  private final Snapshotting snapshotting;
  private final ZfsPort zfs;
  private final SnapshotSchedule schedule;
  private final Optional<SnapshotNaming> naming;
  private volatile Map<DatasetName, DatasetListing> listing = Map.of();

  public OwnFilesystems(
      String job, FilesystemFilter filter, Snapshotting snapshotting, ZfsPort zfs) {
    this.job = job;
    this.filter = filter;
    this.snapshotting = snapshotting;
    this.zfs = zfs;
    this.naming = snapshotting.prefix().map(SnapshotNaming::new);
    this.schedule = scheduleOf(snapshotting);
  }

  private static SnapshotSchedule scheduleOf(Snapshotting snapshotting) {
    if (snapshotting instanceof Snapshotting.Periodic p) {
      return SnapshotSchedule.interval(p.interval());
    }
    if (snapshotting instanceof Snapshotting.Cron c) {
      return SnapshotSchedule.cron(c.cron(), c.timeZone());
    }
    return SnapshotSchedule.manual();
  }

  public ZfsPort zfs() {
    return zfs;
  }

  public FilesystemFilter filter() {
    return filter;
  }

  /** Lists the selected filesystems in one call and keeps the result. */
  public Map<DatasetName, DatasetListing> list(Set<String> userProperties) {
    Map<DatasetName, DatasetListing> selected = new LinkedHashMap<>();
    for (DatasetListing d : zfs.list(filter.roots(), userProperties)) {
      if (filter.selects(d.name())) {
        selected.put(d.name(), d);
      }
    }
    listing = Map.copyOf(selected);
    return listing;
  }

  public Map<DatasetName, DatasetListing> listing() {
    return listing;
  }

  /** When the job's last snapshot was taken: the newest timestamp among names with its prefix. */
  public Optional<Instant> lastTaken() {
    if (naming.isEmpty()) {
      return Optional.empty();
    }
    SnapshotNaming n = naming.get();
    return listing.values().stream()
        .flatMap(d -> d.versions().stream())
        .filter(FilesystemVersion::isSnapshot)
        .map(v -> n.parse(v.name()))
        .filter(p -> p instanceof SnapshotNaming.Parsed.Timestamped)
        .map(p -> ((SnapshotNaming.Parsed.Timestamped) p).timestamp())
        .max(Comparator.naturalOrder());
  }

  public Optional<Instant> nextSnapshotDue(Instant now) {
    if (snapshotting instanceof Snapshotting.Manual) {
      return Optional.empty();
    }
    return schedule.nextDue(lastTaken(), now);
  }

  /**
   * The pruning context of a cycle that snapshots at {@code now}: it started then and its snapshots
   * are the one named for {@code now} and later ones.
   */
  public PruneContext cycleContext(Instant now) {
    Instant start = now.truncatedTo(ChronoUnit.SECONDS);
    return naming
        .map(n -> PruneContext.cycle(start, n.name(now)))
        .orElseGet(() -> PruneContext.cycle(start));
  }

  /** This cycle's snapshot of every selected filesystem of the last listing. */
  public StepWork snapshot(Instant now) {
    if (naming.isEmpty()) {
      return control -> StepResult.of("snapshotting is manual and names no prefix: nothing taken");
    }
    String name = naming.get().name(now);
    if (!listing.isEmpty() && listing.values().stream().allMatch(d -> hasSnapshot(d, name))) {
      // Names have a resolution of one second: a second request in the second of the last
      // snapshot (two wakeups, or a wakeup right after a scheduled one) already has its snapshot.
      return control -> StepResult.of("@" + name + " was taken this second: nothing more taken");
    }
    HookRunner hooks =
        new HookRunner(
            job, snapshotting.hooks(), Map.of("ZFLEET_JOB", job, "ZFLEET_SNAPSHOT", name));
    return new TakeSnapshots(zfs, filter, List.copyOf(listing.keySet()), name, hooks);
  }

  private static boolean hasSnapshot(DatasetListing dataset, String name) {
    return dataset.versions().stream().anyMatch(v -> v.isSnapshot() && v.name().equals(name));
  }

  /** The pruning policy of one side, judging only this job's own snapshots unless scope is all. */
  public PrunePolicy policy(Pruning pruning) {
    return policy(snapshotting, pruning);
  }

  /**
   * The pruning policy of a job with {@code snapshotting}: scope {@code own} judges only the names
   * with the job's prefix; a job that names no prefix owns no snapshot, so with scope {@code own}
   * it destroys nothing.
   */
  public static PrunePolicy policy(Snapshotting snapshotting, Pruning pruning) {
    if (pruning.scope() == Pruning.Scope.ALL) {
      return new PrunePolicy(pruning.keep(), PruneScope.all());
    }
    return snapshotting
        .prefix()
        .map(prefix -> new PrunePolicy(pruning.keep(), PruneScope.own(new SnapshotNaming(prefix))))
        .orElseGet(() -> new PrunePolicy(List.of(), PruneScope.all()));
  }
}
