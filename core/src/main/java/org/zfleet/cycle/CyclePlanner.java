package org.zfleet.cycle;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.zfleet.config.Snapshotting;
import org.zfleet.cycle.FilesystemView.DestinationView;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.plan.ReceiverState;
import org.zfleet.schedule.SnapshotNaming;
import org.zfleet.schedule.SnapshotSchedule;

/**
 * Plans a job's cycle: from the job's listing, its settings and the cycle's start, each
 * filesystem's steps as {@link StepSpec}s, and the job-wide snapshot step and schedule. Pure: no
 * actor, process, file or clock; the same inputs give the same plan.
 */
public final class CyclePlanner {

  /** Why a job that lists no filesystem takes no snapshot. */
  public static final String NOTHING_SELECTED =
      "nothing selected: none of the job's filesystems exists (a pool exported, or not imported"
          + " yet?)";

  private CyclePlanner() {}

  /**
   * Each filesystem's cycle, by name: replicate (or wait) per destination, then prune the sender,
   * then prune each destination's replica. A source job plans none: each pull prunes it.
   */
  public static Map<DatasetName, FilesystemCycle> plan(
      JobListing listing, CycleSettings settings, CycleStart start) {
    Map<DatasetName, FilesystemCycle> cycles = new LinkedHashMap<>();
    if (settings.kind() == CycleSettings.Kind.SOURCE) {
      return cycles;
    }
    listing.filesystems().stream()
        .sorted(Comparator.comparing(f -> f.name().value()))
        .forEach(fs -> cycles.put(fs.name(), planFilesystem(view(listing, fs), settings, start)));
    return cycles;
  }

  /** One filesystem's cycle from its state. */
  public static FilesystemCycle planFilesystem(
      FilesystemView view, CycleSettings settings, CycleStart start) {
    List<StepSpec> steps = new ArrayList<>();
    Map<String, ReplicationPlan> plans = new LinkedHashMap<>();
    for (DestinationView d : view.destinations()) {
      if (d instanceof DestinationView.Reachable reachable) {
        ReplicationPlan plan = ReplicationPlanning.plan(view, reachable, settings);
        plans.put(d.name(), plan);
        steps.add(new StepSpec.Replicate(d.name(), plan));
      } else {
        steps.add(new StepSpec.Wait(d.name(), ((DestinationView.Unreachable) d).reason()));
      }
    }
    PrunePlanning.sender(view, settings, start, plans).ifPresent(steps::add);
    steps.addAll(PrunePlanning.receivers(view, settings, start));
    return new FilesystemCycle(view, settings, start, steps);
  }

  /** One filesystem as the listing shows it, with each destination cut down to its replica. */
  public static FilesystemView view(JobListing listing, SenderFilesystem fs) {
    List<DestinationView> destinations = new ArrayList<>();
    for (Destination d : listing.destinations()) {
      if (d instanceof Destination.Reachable r) {
        destinations.add(reachable(listing, fs, r));
      } else {
        Destination.Unreachable u = (Destination.Unreachable) d;
        destinations.add(new DestinationView.Unreachable(u.name(), u.reason()));
      }
    }
    return new FilesystemView(fs, destinations, listing.senderNode(), listing.snapshotPrefix());
  }

  private static DestinationView.Reachable reachable(
      JobListing listing, SenderFilesystem fs, Destination.Reachable d) {
    ReceiverLayout layout = d.layout();
    DatasetName target = layout.receiverPath(fs.name());
    // Ancestors that are replicated themselves are not made placeholders: a placeholder keeps
    // canmount=off through the forced receive that later makes it a replica. One with nothing to
    // send (no snapshot: a placeholder on a sender that is itself a sink) is made a placeholder,
    // never waited for (zrepl#742).
    Set<DatasetName> replicated = new HashSet<>();
    for (SenderFilesystem other : listing.filesystems()) {
      if (listing.replicated().contains(other.name()) && hasSnapshots(other)) {
        replicated.add(other.name());
      }
    }
    replicated.add(fs.name());
    List<DatasetName> placeholders =
        layout.placeholders(replicated).stream()
            .filter(p -> target.isWithin(p) && !p.equals(target))
            .toList();
    return new DestinationView.Reachable(
        d.name(),
        layout.clientRoot(),
        target,
        Optional.ofNullable(d.datasets().get(target)),
        placeholders.stream().filter(p -> !d.datasets().containsKey(p)).toList(),
        replicatedAncestor(layout, target, placeholders)
            .filter(p -> !arrived(d.datasets().get(p))));
  }

  private static boolean hasSnapshots(SenderFilesystem fs) {
    return fs.versions().stream().anyMatch(FilesystemVersion::isSnapshot);
  }

  /**
   * The nearest ancestor of {@code target} below the client root that is the replica of a
   * replicated filesystem (not a placeholder). A first receive waits until it has arrived: the
   * placeholders between must not be made under a dataset whose own first receive may still be
   * running (a failed receive could then not be cleaned up, and would be left without zfleet's role
   * for ever).
   */
  static Optional<DatasetName> replicatedAncestor(
      ReceiverLayout layout, DatasetName target, List<DatasetName> placeholders) {
    for (Optional<DatasetName> p = target.parent(); p.isPresent(); p = p.get().parent()) {
      DatasetName ancestor = p.get();
      if (!ancestor.isWithin(layout.clientRoot()) || ancestor.equals(layout.clientRoot())) {
        return Optional.empty();
      }
      if (!placeholders.contains(ancestor)) {
        return Optional.of(ancestor);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a replicated ancestor has arrived on the receiver: it exists with zfleet's role, or
   * with snapshots. A dataset without either may be a first receive still running.
   */
  public static boolean arrived(ReplicaDataset dataset) {
    return dataset != null
        && (ReceiverState.of(true, dataset.role()) == ReceiverState.REPLICA
            || ReceiverState.of(true, dataset.role()) == ReceiverState.PLACEHOLDER
            || dataset.versions().stream().anyMatch(FilesystemVersion::isSnapshot));
  }

  // ---- the job-wide steps and the schedule

  /** This cycle's snapshot step: the name to take on every filesystem, or why none is taken. */
  public static StepSpec snapshot(JobListing listing, CycleSettings settings, Instant now) {
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
      return new StepSpec.NoSnapshot(NOTHING_SELECTED);
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
  public static CycleStart snapshotCycle(CycleSettings settings, Instant now) {
    Instant start = now.truncatedTo(ChronoUnit.SECONDS);
    return settings
        .snapshotting()
        .prefix()
        .map(p -> new CycleStart(start, Optional.of(new SnapshotNaming(p).name(now))))
        .orElseGet(() -> CycleStart.at(start));
  }

  /** When the next snapshot is due by the schedule, given the listing; empty if never. */
  public static Optional<Instant> nextSnapshotDue(
      JobListing listing, CycleSettings settings, Instant now) {
    return nextSnapshotDue(listing, settings, now, now);
  }

  /**
   * When the next snapshot is due by the schedule, given the listing; empty if never. A job whose
   * listing selects nothing (its pool exported, or not imported yet at boot) has nothing to take:
   * it looks again when the schedule, counted from {@code lastLooked} (when it last came to
   * snapshot, or started), says so, never at once.
   */
  public static Optional<Instant> nextSnapshotDue(
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
  public static Optional<Instant> nextReplanDue(
      CycleSettings settings, Optional<Instant> lastListed, Instant now) {
    return settings.replanEvery().map(every -> lastListed.map(t -> t.plus(every)).orElse(now));
  }
}
