package org.zfleet.cycle;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.zfleet.config.Snapshotting;
import org.zfleet.cycle.FilesystemView.DestinationView;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.plan.Plan;
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
    // Per destination once, not per filesystem: planning stays linear in the number of them.
    Map<String, Set<DatasetName>> received = new HashMap<>();
    for (Destination d : listing.destinations()) {
      if (d instanceof Destination.Reachable r) {
        received.put(d.name(), receivedPaths(listing, r));
      }
    }
    listing.filesystems().stream()
        .sorted(Comparator.comparing(f -> f.name().value()))
        .forEach(
            fs ->
                cycles.put(
                    fs.name(), planFilesystem(view(listing, fs, received), settings, start)));
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
    Map<String, Set<DatasetName>> received = new HashMap<>();
    for (Destination d : listing.destinations()) {
      if (d instanceof Destination.Reachable r) {
        received.put(d.name(), receivedPaths(listing, r));
      }
    }
    return view(listing, fs, received);
  }

  private static FilesystemView view(
      JobListing listing, SenderFilesystem fs, Map<String, Set<DatasetName>> received) {
    List<DestinationView> destinations = new ArrayList<>();
    for (Destination d : listing.destinations()) {
      if (d instanceof Destination.Reachable r) {
        destinations.add(reachable(fs, r, received.get(d.name())));
      } else {
        Destination.Unreachable u = (Destination.Unreachable) d;
        destinations.add(new DestinationView.Unreachable(u.name(), u.reason()));
      }
    }
    return new FilesystemView(fs, destinations, listing.senderNode(), listing.snapshotPrefix());
  }

  /**
   * Where the filesystems this job replicates itself, and that have something to send, land at
   * {@code d}; computed once per destination (planning stays linear in the number of filesystems).
   */
  private static Set<DatasetName> receivedPaths(JobListing listing, Destination.Reachable d) {
    Set<DatasetName> paths = new HashSet<>();
    for (SenderFilesystem fs : listing.filesystems()) {
      if (listing.replicated().contains(fs.name()) && hasSnapshots(fs)) {
        paths.add(d.layout().receiverPath(fs.name()));
      }
    }
    return paths;
  }

  private static DestinationView.Reachable reachable(
      SenderFilesystem fs, Destination.Reachable d, Set<DatasetName> received) {
    ReceiverLayout layout = d.layout();
    DatasetName target = layout.receiverPath(fs.name());
    DatasetName clientRoot = layout.clientRoot();
    // Every parent from the client root down is a placeholder, except those that are replicated
    // themselves: a placeholder keeps canmount=off through the forced receive that later makes it
    // a replica. One with nothing to send (no snapshot: a placeholder on a sender that is itself a
    // sink) is made a placeholder, never waited for (zrepl#742; see receivedPaths).
    List<DatasetName> placeholders = new ArrayList<>();
    for (Optional<DatasetName> p = target.parent();
        p.isPresent() && p.get().isWithin(clientRoot);
        p = p.get().parent()) {
      if (!received.contains(p.get())) {
        placeholders.add(0, p.get());
      }
    }
    return new DestinationView.Reachable(
        d.name(),
        clientRoot,
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

  // ---- a push job's prepare step

  /**
   * What a push job does once for all its filesystems before their replications run (see {@link
   * StepSpec.Prepare}), or empty if there is nothing to do or the job is not a push: the missing
   * placeholders of every reachable destination (except those below a replicated ancestor still to
   * arrive), the snapshots the cycle's replications send, and the held snapshots each destination's
   * cursor has moved past. A pull's source holds and releases in its steps.
   */
  public static Optional<StepSpec.Prepare> prepare(
      JobListing listing, Map<DatasetName, FilesystemCycle> cycles, CycleSettings settings) {
    if (settings.kind() != CycleSettings.Kind.PUSH) {
      return Optional.empty();
    }
    Map<String, Set<DatasetName>> placeholders = new LinkedHashMap<>();
    Map<String, Set<SnapshotName>> hold = new LinkedHashMap<>();
    Map<String, Set<SnapshotName>> release = new LinkedHashMap<>();
    for (FilesystemCycle cycle : cycles.values()) {
      FilesystemView view = cycle.view();
      Set<String> receiving = new HashSet<>();
      for (StepSpec spec : cycle.steps()) {
        if (spec instanceof StepSpec.Replicate r && r.plan().plan() instanceof Plan.Steps) {
          receiving.add(r.destination());
        }
      }
      for (DestinationView d : view.destinations()) {
        // Only where this cycle receives something (a filesystem with nothing to send yet may
        // become a placeholder itself, zrepl#742). Those below a replicated ancestor that has not
        // arrived are made by the step once it has (its first receive may still be running: see
        // replicatedAncestor).
        if (d instanceof DestinationView.Reachable r
            && receiving.contains(d.name())
            && r.awaitParent().isEmpty()) {
          placeholders
              .computeIfAbsent(d.name(), k -> new TreeSet<>(ReceiverLayout.PARENTS_FIRST))
              .addAll(r.placeholders());
        }
      }
      for (StepSpec spec : cycle.steps()) {
        if (spec instanceof StepSpec.Replicate r) {
          Set<SnapshotName> held =
              hold.computeIfAbsent(r.destination(), k -> new LinkedHashSet<>());
          r.plan().toHold().forEach(v -> held.add(view.name().snapshot(v.name())));
        }
      }
      for (DestinationView d : view.destinations()) {
        if (d instanceof DestinationView.Reachable r) {
          Set<SnapshotName> held = hold.getOrDefault(d.name(), Set.of());
          for (FilesystemVersion v : CursorHoldRelease.passed(view.sender(), r)) {
            SnapshotName s = view.name().snapshot(v.name());
            if (!held.contains(s)) {
              release.computeIfAbsent(d.name(), k -> new LinkedHashSet<>()).add(s);
            }
          }
        }
      }
    }
    Map<DatasetName, List<FilesystemVersion>> versions = new LinkedHashMap<>();
    cycles.forEach((fs, cycle) -> versions.put(fs, cycle.view().sender().versions()));
    Map<String, List<DatasetName>> made = new LinkedHashMap<>();
    placeholders.forEach((d, p) -> made.put(d, List.copyOf(p)));
    StepSpec.Prepare prepare =
        new StepSpec.Prepare(
            made,
            grouped(hold, listing.wholeSubtrees(), versions),
            grouped(release, listing.wholeSubtrees(), versions));
    return prepare.isEmpty() ? Optional.empty() : Optional.of(prepare);
  }

  private static Map<String, StepSpec.Prepare.Snapshots> grouped(
      Map<String, Set<SnapshotName>> snapshots,
      Set<DatasetName> wholeSubtrees,
      Map<DatasetName, List<FilesystemVersion>> versions) {
    Map<String, StepSpec.Prepare.Snapshots> out = new LinkedHashMap<>();
    snapshots.forEach((d, s) -> out.put(d, RecursiveHolds.group(s, wholeSubtrees, versions)));
    return out;
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

  /**
   * What a job keeps of a listing between cycles: per filesystem its newest snapshot and the newest
   * whose name the job's naming reads, all the snapshot schedule looks at ({@link #snapshot},
   * {@link #nextSnapshotDue}). Each filesystem's state lives with its supervisor; the listing is
   * not kept a second time.
   */
  public static JobListing forSchedule(JobListing listing, CycleSettings settings) {
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
  public static Optional<Instant> nextReplanDue(
      CycleSettings settings, Optional<Instant> lastListed, Instant now) {
    return settings.replanEvery().map(every -> lastListed.map(t -> t.plus(every)).orElse(now));
  }
}
