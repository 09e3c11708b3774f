package org.zfleet.cycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.zfleet.cycle.FilesystemView.DestinationView;
import org.zfleet.model.DatasetName;

/**
 * Plans a job's cycle: from the job's listing, its settings and the cycle's start, each
 * filesystem's steps as {@link StepSpec}s, and the job-wide snapshot step and schedule. Pure: no
 * actor, process, file or clock; the same inputs give the same plan.
 *
 * <p>The entry point of the cycle package; the parts live beside it: {@link DestinationViews} (a
 * filesystem as each destination sees it), {@link ReplicationPlanning}, {@link PrunePlanning},
 * {@link PreparePlanning} (a push's prepare step) and {@link SnapshotPlanning} (the snapshot step
 * and the schedule).
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
    Map<String, Set<DatasetName>> received = DestinationViews.receivedByDestination(listing);
    listing.filesystems().stream()
        .sorted(Comparator.comparing(f -> f.name().value()))
        .forEach(
            fs ->
                cycles.put(
                    fs.name(),
                    planFilesystem(DestinationViews.view(listing, fs, received), settings, start)));
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
    return DestinationViews.view(listing, fs);
  }

  /**
   * Whether a replicated ancestor has arrived on the receiver: it exists with zfleet's role, or
   * with snapshots. A dataset without either may be a first receive still running.
   */
  public static boolean arrived(ReplicaDataset dataset) {
    return DestinationViews.arrived(dataset);
  }

  /**
   * What a push job does once for all its filesystems before their replications run (see {@link
   * StepSpec.Prepare}), or empty if there is nothing to do or the job is not a push; see {@link
   * PreparePlanning#prepare}.
   */
  public static Optional<StepSpec.Prepare> prepare(
      JobListing listing, Map<DatasetName, FilesystemCycle> cycles, CycleSettings settings) {
    return PreparePlanning.prepare(listing, cycles, settings);
  }

  /** This cycle's snapshot step: the name to take on every filesystem, or why none is taken. */
  public static StepSpec snapshot(JobListing listing, CycleSettings settings, Instant now) {
    return SnapshotPlanning.snapshot(listing, settings, now);
  }

  /**
   * The start of a cycle that snapshots at {@code now}: its snapshots are the one named for {@code
   * now} and later ones.
   */
  public static CycleStart snapshotCycle(CycleSettings settings, Instant now) {
    return SnapshotPlanning.snapshotCycle(settings, now);
  }

  /** When the next snapshot is due by the schedule, given the listing; empty if never. */
  public static Optional<Instant> nextSnapshotDue(
      JobListing listing, CycleSettings settings, Instant now) {
    return nextSnapshotDue(listing, settings, now, now);
  }

  /**
   * When the next snapshot is due by the schedule, given the listing; empty if never. A job whose
   * listing selects nothing looks again when the schedule, counted from {@code lastLooked}, says
   * so; see {@link SnapshotPlanning#nextSnapshotDue}.
   */
  public static Optional<Instant> nextSnapshotDue(
      JobListing listing, CycleSettings settings, Instant lastLooked, Instant now) {
    return SnapshotPlanning.nextSnapshotDue(listing, settings, lastLooked, now);
  }

  /**
   * What a job keeps of a listing between cycles: all the snapshot schedule looks at; see {@link
   * SnapshotPlanning#forSchedule}.
   */
  public static JobListing forSchedule(JobListing listing, CycleSettings settings) {
    return SnapshotPlanning.forSchedule(listing, settings);
  }

  /** When to list and plan again without a snapshot: a pull's interval after its last listing. */
  public static Optional<Instant> nextReplanDue(
      CycleSettings settings, Optional<Instant> lastListed, Instant now) {
    return SnapshotPlanning.nextReplanDue(settings, lastListed, now);
  }
}
