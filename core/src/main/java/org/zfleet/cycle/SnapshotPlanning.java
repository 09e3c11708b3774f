package org.zfleet.cycle;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.zfleet.config.Snapshotting;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.schedule.SnapshotNaming;
import org.zfleet.schedule.SnapshotSchedule;

/**
 * A job's snapshot step and its timing: which snapshot a cycle takes, when the next is due by the
 * schedule, and when a pull lists again. Pure, like {@link CyclePlanner}.
 */
final class SnapshotPlanning {

  private SnapshotPlanning() {}

  /** This cycle's snapshot step: the name to take on every filesystem, or why none is taken. */
  static StepSpec snapshot(JobListing listing, CycleSettings settings, Instant now) {
    if (settings.kind() == CycleSettings.Kind.PULL) {
      return new StepSpec.NoSnapshot("a pull job takes no snapshots; its source does");
    }
    Optional<SnapshotNaming> naming = settings.snapshotting().prefix().map(SnapshotNaming::new);
    if (naming.isEmpty()) {
      return new StepSpec.NoSnapshot("snapshotting is manual and names no prefix: nothing taken");
    }
    String name = naming.get().name(now);
    List<SenderFilesystem> all = listing.filesystems();
    if (all.isEmpty()) {
      return new StepSpec.NoSnapshot(CyclePlanner.NOTHING_SELECTED);
    }
    if (!all.isEmpty() && all.stream().allMatch(fs -> hasSnapshot(fs, name))) {
      // Names have a resolution of one second: a second request in the second of the last
      // snapshot (two wakeups, or a wakeup right after a scheduled one) already has its snapshot.
      return new StepSpec.NoSnapshot("@" + name + " was taken this second: nothing more taken");
    }
    return new StepSpec.Snapshot(name, all.stream().map(SenderFilesystem::name).toList());
  }

  private static boolean hasSnapshot(SenderFilesystem fs, String name) {
    return fs.versions().stream().anyMatch(v -> v.isSnapshot() && v.name().equals(name));
  }

  /**
   * The start of a cycle that snapshots at {@code now}: its snapshots are the one named for {@code
   * now} and later ones.
   */
  static CycleStart snapshotCycle(CycleSettings settings, Instant now) {
    Instant start = now.truncatedTo(ChronoUnit.SECONDS);
    return settings
        .snapshotting()
        .prefix()
        .map(p -> new CycleStart(start, Optional.of(new SnapshotNaming(p).name(now))))
        .orElseGet(() -> CycleStart.at(start));
  }

  /**
   * When the next snapshot is due by the schedule, given the listing; empty if never. A job whose
   * listing selects nothing (its pool exported, or not imported yet at boot) has nothing to take:
   * it looks again when the schedule, counted from {@code lastLooked} (when it last came to
   * snapshot, or started), says so, never at once.
   */
  static Optional<Instant> nextSnapshotDue(
      JobListing listing, CycleSettings settings, Instant lastLooked, Instant now) {
    Snapshotting s = settings.snapshotting();
    if (s instanceof Snapshotting.Manual || settings.kind() == CycleSettings.Kind.PULL) {
      return Optional.empty();
    }
    SnapshotSchedule schedule =
        s instanceof Snapshotting.Periodic p
            ? SnapshotSchedule.interval(p.interval())
            : SnapshotSchedule.cron(
                ((Snapshotting.Cron) s).cron(), ((Snapshotting.Cron) s).timeZone());
    if (listing.filesystems().isEmpty()) {
      return schedule.nextDue(Optional.of(lastLooked), now);
    }
    return schedule.nextDue(lastTaken(listing, settings), now);
  }

  /**
   * What a job keeps of a listing between cycles: per filesystem its newest snapshot and the newest
   * whose name the job's naming reads, all the snapshot schedule looks at ({@link #snapshot},
   * {@link #nextSnapshotDue}). Each filesystem's state lives with its supervisor; the listing is
   * not kept a second time.
   */
  static JobListing forSchedule(JobListing listing, CycleSettings settings) {
    Optional<SnapshotNaming> naming = settings.snapshotting().prefix().map(SnapshotNaming::new);
    List<SenderFilesystem> kept = new ArrayList<>(listing.filesystems().size());
    for (SenderFilesystem fs : listing.filesystems()) {
      List<FilesystemVersion> versions = new ArrayList<>(2);
      FilesystemVersion newest = null;
      FilesystemVersion newestNamed = null;
      for (FilesystemVersion v : fs.versions()) {
        if (v.isSnapshot()) {
          newest = v;
          if (naming.isPresent()
              && naming.get().parse(v.name()) instanceof SnapshotNaming.Parsed.Timestamped) {
            newestNamed = v;
          }
        }
      }
      if (newestNamed != null && newestNamed != newest) {
        versions.add(newestNamed);
      }
      if (newest != null) {
        versions.add(newest);
      }
      kept.add(SenderFilesystem.of(fs.name(), versions));
    }
    return new JobListing(
        listing.senderNode(), listing.snapshotPrefix(), kept, List.of(), Set.of(), Set.of());
  }

  /** When the job last snapshotted: the newest timestamp among names with its prefix. */
  static Optional<Instant> lastTaken(JobListing listing, CycleSettings settings) {
    if (settings.snapshotting().prefix().isEmpty()) {
      return Optional.empty();
    }
    SnapshotNaming naming = new SnapshotNaming(settings.snapshotting().prefix().get());
    return listing.filesystems().stream()
        .flatMap(d -> d.versions().stream())
        .filter(FilesystemVersion::isSnapshot)
        .map(v -> naming.parse(v.name()))
        .filter(p -> p instanceof SnapshotNaming.Parsed.Timestamped)
        .map(p -> ((SnapshotNaming.Parsed.Timestamped) p).timestamp())
        .max(Comparator.naturalOrder());
  }

  /** When to list and plan again without a snapshot: a pull's interval after its last listing. */
  static Optional<Instant> nextReplanDue(
      CycleSettings settings, Optional<Instant> lastListed, Instant now) {
    return settings.replanEvery().map(every -> lastListed.map(t -> t.plus(every)).orElse(now));
  }
}
