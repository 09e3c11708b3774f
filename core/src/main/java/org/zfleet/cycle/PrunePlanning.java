package org.zfleet.cycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.zfleet.config.Pruning;
import org.zfleet.cycle.CycleSettings.Kind;
import org.zfleet.cycle.FilesystemView.DestinationView;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.BaseProtection;
import org.zfleet.plan.CommonBase;
import org.zfleet.plan.Plan;
import org.zfleet.prune.CursorState;
import org.zfleet.prune.Protection;
import org.zfleet.prune.PruneContext;
import org.zfleet.prune.PruneOutcome;
import org.zfleet.prune.PrunePolicy;
import org.zfleet.prune.PruneSummary;
import org.zfleet.prune.Pruner;

/**
 * The pruning steps of one filesystem's cycle. Decided before the cycle's replications run, so the
 * sender's decisions keep the cursor as listed and every snapshot this cycle's replication moves it
 * to: whatever the replication gets through, its base survives. Once a replication has succeeded
 * the cycle plans again from the state after it (see {@link FilesystemCycle#after}).
 */
final class PrunePlanning {

  private PrunePlanning() {}

  static Optional<StepSpec> sender(
      FilesystemView view,
      CycleSettings settings,
      CycleStart start,
      Map<String, ReplicationPlan> plans) {
    if (settings.senderPruning().isEmpty()) {
      return Optional.empty();
    }
    if (view.sender().versions().stream().noneMatch(FilesystemVersion::isSnapshot)) {
      // Nothing to judge (a placeholder on a sender that is itself a sink): nothing to refuse
      // either, even without a replication cursor.
      return Optional.of(
          new StepSpec.PruneSender(
              senderSide(view, settings),
              view.name(),
              new PruneOutcome.Evaluated(List.of(), new PruneSummary(0, 0, 0, List.of()))));
    }
    PrunePolicy policy = policy(view, settings.senderPruning().get());
    PruneContext context = start.pruneContext();
    for (DestinationView d : view.destinations()) {
      String owner = cursorOwner(settings, d.name());
      CursorState cursor = cursor(view.sender(), d.name(), owner);
      context = context.withCursor(cursor);
      // The cursor is the next incremental base even while the destination cannot be listed: an
      // unreachable sink must find it when it returns. A cursor bookmark keeps that base (zrepl's
      // design): then the snapshot is free to go.
      if (cursor instanceof CursorState.Known known
          && view.sender().cursorBookmark(d.name(), known.guid()).isEmpty()) {
        context =
            context.withProtection(
                Protection.ofGuid(known.guid(), "replication cursor of " + who(settings, d)));
      }
      Optional<FilesystemVersion> common =
          BaseProtection.newestCommon(view.sender().versions(), replicaVersions(d))
              .map(CommonBase::onSender)
              .filter(base -> view.sender().cursorBookmark(d.name(), base.guid()).isEmpty());
      if (common.isPresent()) {
        context =
            context.withProtection(
                Protection.ofGuid(common.get().guid(), "incremental base for " + who(settings, d)));
      }
      ReplicationPlan plan = plans.get(d.name());
      if (plan != null) {
        // The snapshot a step of this cycle sends from, even where a bookmark would serve.
        Optional<FilesystemVersion> from = firstBase(plan);
        if (from.isPresent()) {
          context =
              context.withProtection(
                  Protection.ofGuid(
                      from.get().guid(),
                      "this cycle's replication to " + d.name() + " sends from it"));
        }
        for (FilesystemVersion target : plan.targets()) {
          context =
              context.withProtection(
                  Protection.ofGuid(
                      target.guid(), "this cycle's replication to " + d.name() + " sends it"));
        }
      }
    }
    return Optional.of(
        new StepSpec.PruneSender(
            senderSide(view, settings),
            view.name(),
            Pruner.evaluate(view.sender().versions(), policy, context)));
  }

  static List<StepSpec> receivers(FilesystemView view, CycleSettings settings, CycleStart start) {
    List<StepSpec> steps = new ArrayList<>();
    if (settings.receiverPruning().isEmpty()) {
      return steps;
    }
    PrunePolicy policy = policy(view, settings.receiverPruning().get());
    for (DestinationView d : view.destinations()) {
      if (!(d instanceof DestinationView.Reachable r) || r.replica().isEmpty()) {
        continue;
      }
      ReplicaDataset replica = r.replica().get();
      PruneContext context = start.pruneContext();
      Optional<Long> base =
          BaseProtection.newestCommon(view.sender().versions(), replica.versions())
              .map(c -> c.onReceiver().guid());
      if (base.isPresent()) {
        String from = settings.kind() == Kind.PULL ? "source " + d.name() : settings.identity();
        context =
            context.withProtection(Protection.ofGuid(base.get(), "incremental base from " + from));
      }
      steps.add(
          new StepSpec.PruneReceiver(
              d.name(),
              settings.kind() == Kind.PULL ? "receiver" : "receiver " + d.name(),
              replica.name(),
              Pruner.evaluate(replica.versions(), policy, context)));
    }
    return steps;
  }

  private static PrunePolicy policy(FilesystemView view, Pruning pruning) {
    return PrunePolicies.of(view.snapshotPrefix(), pruning);
  }

  private static String senderSide(FilesystemView view, CycleSettings settings) {
    return switch (settings.kind()) {
      case SNAP, SOURCE -> "local";
      case PUSH -> "sender";
      case PULL -> "sender" + view.senderNode().map(n -> " " + n).orElse("");
    };
  }

  /** Whose cursor it is: a sink's, or a pull job's own (named by the job, not its source). */
  private static String cursorOwner(CycleSettings settings, String destination) {
    return settings.kind() == Kind.PULL ? settings.job() : destination;
  }

  private static String who(CycleSettings settings, DestinationView d) {
    return settings.kind() == Kind.PULL ? "pull " + settings.job() : "sink " + d.name();
  }

  private static Optional<FilesystemVersion> firstBase(ReplicationPlan plan) {
    if (plan.plan() instanceof Plan.Steps steps) {
      return steps.steps().get(0).from().filter(FilesystemVersion::isSnapshot);
    }
    return Optional.empty();
  }

  private static List<FilesystemVersion> replicaVersions(DestinationView d) {
    if (d instanceof DestinationView.Reachable r) {
      return r.replica().map(ReplicaDataset::versions).orElse(List.of());
    }
    return List.of();
  }

  private static CursorState cursor(SenderFilesystem fs, String destination, String owner) {
    Optional<String> value = fs.marksFor(destination).cursor();
    if (value.isEmpty()) {
      return new CursorState.Missing(owner);
    }
    try {
      long guid = Long.parseUnsignedLong(value.get().strip());
      return fs.versions().stream()
          .filter(v -> v.guid() == guid)
          .findFirst()
          .<CursorState>map(v -> new CursorState.Known(owner, guid, v.createTxg()))
          .orElse(new CursorState.Missing(owner));
    } catch (NumberFormatException e) {
      return new CursorState.Missing(owner);
    }
  }
}
