package org.zfleet.cycle;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.zfleet.cycle.FilesystemView.DestinationView;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.plan.Plan;
import org.zfleet.plan.ReceiverLayout;

/** Plans a push job's prepare step from its filesystems' planned cycles. Pure. */
final class PreparePlanning {

  private PreparePlanning() {}

  /**
   * What a push job does once for all its filesystems before their replications run (see {@link
   * StepSpec.Prepare}), or empty if there is nothing to do or the job is not a push: the missing
   * placeholders of every reachable destination (except those below a replicated ancestor still to
   * arrive), the snapshots the cycle's replications send, and the held snapshots each destination's
   * cursor has moved past. A pull's source holds and releases in its steps.
   */
  static Optional<StepSpec.Prepare> prepare(
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
        // DestinationViews.replicatedAncestor).
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
}
