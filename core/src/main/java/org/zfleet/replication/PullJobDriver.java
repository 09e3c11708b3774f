package org.zfleet.replication;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.zfleet.config.PullJob;
import org.zfleet.config.Replication;
import org.zfleet.config.Snapshotting;
import org.zfleet.endpoint.LocalReceiver;
import org.zfleet.endpoint.PullReceiver;
import org.zfleet.job.Backoff;
import org.zfleet.job.JobDriver;
import org.zfleet.job.PlannedStep;
import org.zfleet.job.StepKind;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.BaseProtection;
import org.zfleet.plan.PlanOptions;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.plan.ReceiverState;
import org.zfleet.prune.CursorState;
import org.zfleet.prune.Protection;
import org.zfleet.prune.PruneContext;
import org.zfleet.prune.PrunePolicy;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ZfsPort;

/**
 * A pull job: every {@code interval} (and when woken) finds its source job, lists the source's
 * filesystems and its own {@code <root-fs>/<source node>} subtree, replicates each filesystem with
 * the same planner and steps as a push, and prunes both sides. Its cursor on the source is named by
 * this job and this node, so several pull jobs of one source never share one.
 */
public final class PullJobDriver implements JobDriver {

  private final PullJob job;
  private final String identity;
  private final ZfsPort zfs;
  private final SourceDirectory directory;
  private final TransferOptions transferOptions;
  private final Backoff backoff;
  private final ReplicationMarks marks;
  private final Clock clock;
  private volatile Instant cycleStart;
  private volatile Optional<Instant> lastListed = Optional.empty();
  private volatile Optional<Pulled> pulled = Optional.empty();

  /** This cycle's listing of both sides. */
  private record Pulled(
      PulledSource source,
      PullReceiver receiver,
      Map<DatasetName, DatasetListing> senderDatasets,
      Map<DatasetName, DatasetListing> receiverDatasets) {}

  public PullJobDriver(
      PullJob job, String identity, ZfsPort zfs, SourceDirectory directory, Clock clock) {
    this.job = job;
    this.identity = identity;
    this.zfs = zfs;
    this.directory = directory;
    Replication r = job.replication();
    TransferOptions options = TransferOptions.defaults();
    if (r.bandwidthLimit().isPresent()) {
      options = options.withBandwidthLimit(r.bandwidthLimit().getAsLong());
    }
    this.transferOptions = options;
    this.backoff = new Backoff(r.retryMinBackoff(), r.retryMaxBackoff());
    this.marks = ReplicationMarks.of(job.name(), identity);
    this.clock = clock;
    this.cycleStart = clock.instant();
  }

  @Override
  public String job() {
    return job.name();
  }

  /** The source snapshots; a pull takes none. */
  @Override
  public Optional<Instant> nextSnapshotDue(Instant now) {
    return Optional.empty();
  }

  @Override
  public Optional<Instant> nextReplanDue(Instant now) {
    if (job.interval().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(lastListed.map(t -> t.plus(job.interval().get())).orElse(now));
  }

  @Override
  public StepWork snapshot(Instant now) {
    return control -> StepResult.of("a pull job takes no snapshots; its source does");
  }

  @Override
  public StepWork list() {
    return control -> {
      Instant started = clock.instant();
      cycleStart = started.truncatedTo(ChronoUnit.SECONDS);
      lastListed = Optional.of(started);
      control.progress().phase("finding source " + job.source());
      PulledSource source;
      try {
        source = directory.source(job.source(), job.name(), identity);
      } catch (RuntimeException e) {
        pulled = Optional.empty();
        throw e;
      }
      control.progress().phase("listing source " + job.source() + " on node " + source.node());
      Map<DatasetName, DatasetListing> senders = new LinkedHashMap<>();
      for (DatasetListing d : source.sender().list(marks.listedProperties())) {
        senders.put(d.name(), d);
      }
      control.progress().phase("listing " + job.rootFs().child(source.node()));
      // The pulled subtree accepts only what this job's source node sends.
      PullReceiver receiver =
          new PullReceiver(
              new LocalReceiver(
                  zfs,
                  job.name(),
                  job.rootFs(),
                  Set.of(source.node()),
                  source.node(),
                  Transfers.none()));
      Map<DatasetName, DatasetListing> receivers = new LinkedHashMap<>();
      for (DatasetListing d : receiver.list(Set.of(ReceiverState.ROLE_PROPERTY))) {
        receivers.put(d.name(), d);
      }
      pulled =
          Optional.of(new Pulled(source, receiver, Map.copyOf(senders), Map.copyOf(receivers)));
      return StepResult.of(
          "listed "
              + senders.size()
              + " filesystem(s) of source "
              + job.source()
              + " on node "
              + source.node());
    };
  }

  @Override
  public List<String> filesystems() {
    return pulled
        .map(p -> p.senderDatasets().keySet().stream().map(DatasetName::value).sorted().toList())
        .orElse(List.of());
  }

  @Override
  public List<PlannedStep> steps(String filesystem) {
    if (pulled.isEmpty()) {
      return List.of();
    }
    Pulled p = pulled.get();
    DatasetListing fs = p.senderDatasets().get(DatasetName.of(filesystem));
    if (fs == null) {
      return List.of();
    }
    Instant cycle = cycleStart;
    CursorBoard board = new CursorBoard();
    ReceiverLayout layout = new ReceiverLayout(job.rootFs(), p.source().node());
    DatasetName target = layout.receiverPath(fs.name());
    Optional<DatasetListing> replica = Optional.ofNullable(p.receiverDatasets().get(target));
    // Scope own judges the source's snapshots: those with its prefix.
    Snapshotting owner = new Snapshotting.Manual(p.source().snapshotPrefix());
    PrunePolicy senderPolicy = OwnFilesystems.policy(owner, job.senderPruning());
    PrunePolicy receiverPolicy = OwnFilesystems.policy(owner, job.receiverPruning());

    List<DatasetName> placeholders = new ArrayList<>();
    for (Optional<DatasetName> parent = target.parent();
        parent.isPresent() && parent.get().isWithin(layout.clientRoot());
        parent = parent.get().parent()) {
      placeholders.add(0, parent.get());
    }
    PlanOptions options =
        PlanOptions.defaults()
            .withInitialReplication(PushJobDriver.initial(job.replication().initialReplication()));
    ReplicationTask task =
        new ReplicationTask(
            fs, layout, replica, p.receiverDatasets().keySet(), placeholders, options, marks);

    List<PlannedStep> steps = new ArrayList<>();
    steps.add(
        new PlannedStep(
            StepKind.REPLICATE,
            job.source(),
            new ReplicateFilesystem(
                p.source().sender(), p.receiver(), task, transferOptions, job.name(), board)));
    steps.add(
        new PlannedStep(
            StepKind.PRUNE_SENDER,
            "",
            new PruneFilesystem(
                "sender " + p.source().node(),
                fs.name(),
                fs.versions(),
                senderPolicy,
                () -> senderContext(fs, replica, cycle, board),
                p.source().sender()::destroySnapshot)));
    replica.ifPresent(
        r ->
            steps.add(
                new PlannedStep(
                    StepKind.PRUNE_RECEIVER,
                    job.source(),
                    new PruneFilesystem(
                        "receiver",
                        r.name(),
                        r.versions(),
                        receiverPolicy,
                        () -> receiverContext(fs, r, cycle, board),
                        p.receiver()::destroySnapshot))));
    return steps;
  }

  /**
   * Sender pruning keeps this pull's cursor and incremental base (other pulls protect theirs by
   * holds).
   */
  private PruneContext senderContext(
      DatasetListing fs, Optional<DatasetListing> replica, Instant cycle, CursorBoard board) {
    PruneContext context = PruneContext.cycle(cycle);
    Optional<FilesystemVersion> moved = board.movedTo(job.name());
    CursorState cursor =
        moved
            .<CursorState>map(v -> new CursorState.Known(job.name(), v.guid(), v.createTxg()))
            .orElseGet(() -> cursor(fs));
    context = context.withCursor(cursor);
    if (cursor instanceof CursorState.Known known) {
      context =
          context.withProtection(
              Protection.ofGuid(known.guid(), "replication cursor of pull " + job.name()));
    }
    if (moved.isEmpty()) {
      List<FilesystemVersion> receiverVersions =
          replica.map(DatasetListing::versions).orElse(List.of());
      Optional<FilesystemVersion> common =
          BaseProtection.newestCommon(fs.versions(), receiverVersions).map(c -> c.onSender());
      if (common.isPresent()) {
        context =
            context.withProtection(
                Protection.ofGuid(common.get().guid(), "incremental base for pull " + job.name()));
      }
    }
    return context;
  }

  private PruneContext receiverContext(
      DatasetListing fs, DatasetListing replica, Instant cycle, CursorBoard board) {
    Optional<Long> base =
        board
            .movedTo(job.name())
            .map(FilesystemVersion::guid)
            .or(
                () ->
                    BaseProtection.newestCommon(fs.versions(), replica.versions())
                        .map(c -> c.onReceiver().guid()));
    PruneContext context = PruneContext.cycle(cycle);
    return base.map(
            guid ->
                context.withProtection(
                    Protection.ofGuid(guid, "incremental base from source " + job.source())))
        .orElse(context);
  }

  private CursorState cursor(DatasetListing fs) {
    String value = marks.cursorIn(fs.properties()).orElse(null);
    if (value == null) {
      return new CursorState.Missing(job.name());
    }
    try {
      long guid = Long.parseUnsignedLong(value.strip());
      return fs.versions().stream()
          .filter(v -> v.guid() == guid)
          .findFirst()
          .<CursorState>map(v -> new CursorState.Known(job.name(), guid, v.createTxg()))
          .orElse(new CursorState.Missing(job.name()));
    } catch (NumberFormatException e) {
      return new CursorState.Missing(job.name());
    }
  }

  @Override
  public Duration stallTimeout() {
    return job.replication().stallTimeout();
  }

  @Override
  public Backoff backoff() {
    return backoff;
  }
}
