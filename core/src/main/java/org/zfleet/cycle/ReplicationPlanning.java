package org.zfleet.cycle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.zfleet.cycle.FilesystemView.DestinationView;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.BaseProtection;
import org.zfleet.plan.CommonBase;
import org.zfleet.plan.Plan;
import org.zfleet.plan.PlanOptions;
import org.zfleet.plan.Planner;
import org.zfleet.plan.ReceiverState;

/** The replication of one filesystem to one reachable destination, from its state. */
final class ReplicationPlanning {

  private ReplicationPlanning() {}

  static ReplicationPlan plan(
      FilesystemView view, DestinationView.Reachable destination, CycleSettings settings) {
    SenderFilesystem fs = view.sender();
    SenderFilesystem.Marks marks = fs.marksFor(destination.name());
    List<String> warnings = new ArrayList<>();
    OptionalLong cursor = parseCursor(marks.cursor(), warnings, fs, destination.name());
    // A filesystem a cut full receive was creating is planned as absent: the full step comes again
    // and its transfer continues the partial receive (or aborts it, if it is another stream's).
    boolean partialFull =
        destination.replica().filter(ReplicaDataset::onlyPartiallyReceived).isPresent();
    Optional<ReplicaDataset> replica = destination.replica().filter(r -> !partialFull);
    ReceiverState state =
        ReceiverState.of(replica.isPresent(), replica.flatMap(ReplicaDataset::role));
    List<FilesystemVersion> receiverVersions =
        replica.map(ReplicaDataset::versions).orElse(List.of());
    PlanOptions options =
        PlanOptions.defaults()
            .withInitialReplication(settings.initialReplication())
            .withReceiverState(state);
    options = cursor.isPresent() ? options.withCursor(cursor.getAsLong()) : options.withoutCursor();
    Plan plan = Planner.plan(fs.versions(), receiverVersions, options);
    Optional<FilesystemVersion> heal = Optional.empty();
    if (plan instanceof Plan.UpToDate) {
      // Up to date but the cursor is missing or elsewhere (e.g. lost): put it on the newest common
      // snapshot.
      heal =
          BaseProtection.newestCommon(fs.versions(), receiverVersions)
              .map(CommonBase::onSender)
              .filter(FilesystemVersion::isSnapshot)
              .filter(base -> cursor.isEmpty() || cursor.getAsLong() != base.guid());
    }
    Optional<DatasetName> awaitParent =
        state == ReceiverState.ABSENT ? destination.awaitParent() : Optional.empty();
    boolean push = settings.kind() == CycleSettings.Kind.PUSH;
    return new ReplicationPlan(
        fs.name(),
        destination.target(),
        state,
        plan,
        fs.versions(),
        cursor,
        staleStepHolds(marks.step()),
        destination.placeholders(),
        awaitParent,
        receiverVersions.stream().anyMatch(FilesystemVersion::isSnapshot),
        heal,
        warnings,
        marks.legacy(),
        push,
        // CyclePlanner.prepare leaves the placeholders below an ancestor still to arrive.
        push && destination.awaitParent().isEmpty(),
        fs.versions().stream()
            .filter(v -> !v.isSnapshot() && marks.cursorBookmarks().contains(v.name()))
            .toList(),
        partialFull,
        replica.filter(ReplicaDataset::listedInert).map(ReplicaDataset::versions));
  }

  private static OptionalLong parseCursor(
      Optional<String> value, List<String> warnings, SenderFilesystem fs, String destination) {
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseUnsignedLong(value.get().strip()));
    } catch (NumberFormatException e) {
      warnings.add(
          "ignoring malformed cursor fs=\""
              + fs.name()
              + "\" destination="
              + destination
              + " value=\""
              + value.get()
              + "\"");
      return OptionalLong.empty();
    }
  }

  private static List<String> staleStepHolds(Optional<String> mark) {
    if (mark.isEmpty() || mark.get().isBlank()) {
      return List.of();
    }
    return Arrays.stream(mark.get().split(",")).map(String::strip).toList();
  }
}
