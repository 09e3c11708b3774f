package org.zfleet.replication;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.zfleet.config.PushJob;
import org.zfleet.config.Replication;
import org.zfleet.endpoint.LocalSender;
import org.zfleet.endpoint.Receiver;
import org.zfleet.endpoint.Sender;
import org.zfleet.job.Backoff;
import org.zfleet.job.JobDriver;
import org.zfleet.job.PlannedStep;
import org.zfleet.job.StepKind;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.BaseProtection;
import org.zfleet.plan.InitialReplication;
import org.zfleet.plan.PlanOptions;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.plan.ReceiverState;
import org.zfleet.prune.CursorState;
import org.zfleet.prune.Protection;
import org.zfleet.prune.PruneContext;
import org.zfleet.prune.PrunePolicy;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ZfsPort;

/**
 * A push job: snapshots its filesystems, replicates each to every sink independently (one
 * replication cursor per sink), and prunes both sides. Sender pruning keeps what any sink still
 * needs; a sink that is unreachable fails only its own replication steps.
 */
public final class PushJobDriver implements JobDriver {

  /**
   * Threads that look sinks up and list them (which blocks on remote nodes), shared by all push
   * jobs.
   */
  private static final ExecutorService SINK_LOOKUPS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "zfleet-sink-lookup");
            t.setDaemon(true);
            return t;
          });

  private final PushJob job;
  private final String identity;
  private final OwnFilesystems own;
  private final Sender sender;
  private final ReceiverDirectory directory;
  private final PrunePolicy senderPolicy;
  private final PrunePolicy receiverPolicy;
  private final TransferOptions transferOptions;
  private final Backoff backoff;

  /** The pruning context of the current cycle: when it took its snapshot, and which. */
  private volatile PruneContext cycle;

  private volatile Map<String, Destination> destinations = Map.of();

  /**
   * One sink as seen in this cycle's listing: its endpoint and datasets, or why it is unavailable.
   */
  private record Destination(
      String sink,
      Optional<Receiver> receiver,
      Map<DatasetName, DatasetListing> datasets,
      String problem) {}

  public PushJobDriver(
      PushJob job,
      String identity,
      ZfsPort zfs,
      ReceiverDirectory directory,
      TransferOptions transferOptions,
      Clock clock) {
    this.job = job;
    this.identity = identity;
    this.own = new OwnFilesystems(job.name(), job.filesystems(), job.snapshotting(), zfs);
    this.sender =
        new LocalSender(
            zfs, job.name(), identity, job.filesystems().roots(), job.filesystems()::selects);
    this.directory = directory;
    this.senderPolicy = own.policy(job.senderPruning());
    this.receiverPolicy = own.policy(job.receiverPruning());
    Replication r = job.replication();
    this.transferOptions = transferOptions;
    this.backoff = new Backoff(r.retryMinBackoff(), r.retryMaxBackoff());
    this.cycle = PruneContext.cycle(clock.instant());
  }

  @Override
  public String job() {
    return job.name();
  }

  @Override
  public Optional<Instant> nextSnapshotDue(Instant now) {
    return own.nextSnapshotDue(now);
  }

  @Override
  public Optional<Instant> nextReplanDue(Instant now) {
    return Optional.empty();
  }

  @Override
  public StepWork snapshot(Instant now) {
    cycle = own.cycleContext(now);
    return own.snapshot(now);
  }

  private ReplicationMarks marks(String sink) {
    return ReplicationMarks.of(job.name(), sink);
  }

  @Override
  public StepWork list() {
    return control -> {
      control.progress().phase("listing sender");
      Set<String> props = new HashSet<>();
      for (String sink : job.sinks()) {
        props.addAll(marks(sink).listedProperties());
      }
      var listing = own.list(props);
      // Every sink is looked up and listed at once, each on its own thread, so that a sink whose
      // node is slow or gone costs this step its own timeouts, not the others' time.
      Map<String, CompletableFuture<Destination>> lookups = new LinkedHashMap<>();
      for (String sink : job.sinks()) {
        lookups.put(sink, CompletableFuture.supplyAsync(() -> destination(sink), SINK_LOOKUPS));
      }
      control.progress().phase("listing sinks " + String.join(", ", job.sinks()));
      CompletableFuture<Void> all =
          CompletableFuture.allOf(lookups.values().toArray(CompletableFuture[]::new));
      while (!all.isDone()) {
        control.checkCancelled();
        // Waiting on endpoints that time out by themselves is progress, not a stall.
        control.progress().tick();
        try {
          all.get(250, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
          // done or still waiting: the loop condition decides
        }
      }
      Map<String, Destination> found = new LinkedHashMap<>();
      List<String> problems = new ArrayList<>();
      for (String sink : job.sinks()) {
        Destination destination = lookups.get(sink).join();
        found.put(sink, destination);
        if (destination.receiver().isEmpty()) {
          problems.add(destination.problem());
        }
      }
      destinations = java.util.Collections.unmodifiableMap(found);
      return StepResult.of(
          "listed "
              + listing.size()
              + " filesystem(s)"
              + (problems.isEmpty() ? "" : "; " + String.join("; ", problems)));
    };
  }

  /** One sink's endpoint and listing, or why there is none; never throws. */
  private Destination destination(String sink) {
    try {
      Receiver receiver = directory.receiver(sink, identity);
      Map<DatasetName, DatasetListing> datasets = new LinkedHashMap<>();
      for (DatasetListing d : receiver.list(Set.of(ReceiverState.ROLE_PROPERTY))) {
        datasets.put(d.name(), d);
      }
      return new Destination(sink, Optional.of(receiver), datasets, "");
    } catch (RuntimeException e) {
      // Unavailable: the sink may come back, and every cycle looks again.
      String problem =
          (e instanceof ReceiverDirectory.Unavailable ? "waiting for sink " : "sink ")
              + sink
              + ": "
              + e.getMessage();
      return new Destination(sink, Optional.empty(), Map.of(), problem);
    }
  }

  @Override
  public List<String> filesystems() {
    return own.listing().keySet().stream().map(DatasetName::value).sorted().toList();
  }

  @Override
  public List<PlannedStep> steps(String filesystem) {
    DatasetListing fs = own.listing().get(DatasetName.of(filesystem));
    if (fs == null) {
      return List.of();
    }
    PruneContext cycle = this.cycle;
    CursorBoard board = new CursorBoard();
    List<PlannedStep> steps = new ArrayList<>();
    for (Destination dest : destinations.values()) {
      steps.add(new PlannedStep(StepKind.REPLICATE, dest.sink(), replicate(fs, dest, board)));
    }
    steps.add(
        new PlannedStep(
            StepKind.PRUNE_SENDER,
            "",
            new PruneFilesystem(
                "sender",
                fs.name(),
                fs.versions(),
                senderPolicy,
                () -> senderContext(fs, cycle, board),
                sender::destroySnapshot)));
    for (Destination dest : destinations.values()) {
      Optional<DatasetListing> target = receiverDataset(fs, dest);
      if (dest.receiver().isEmpty() || target.isEmpty()) {
        continue;
      }
      DatasetListing replica = target.get();
      Receiver receiver = dest.receiver().get();
      steps.add(
          new PlannedStep(
              StepKind.PRUNE_RECEIVER,
              dest.sink(),
              new PruneFilesystem(
                  "receiver " + dest.sink(),
                  replica.name(),
                  replica.versions(),
                  receiverPolicy,
                  () -> receiverContext(fs, replica, dest, cycle, board),
                  receiver::destroySnapshot)));
    }
    return steps;
  }

  /**
   * Receiver pruning keeps the incremental base: where this cycle's replication left it, else the
   * newest common snapshot of the listing.
   */
  private PruneContext receiverContext(
      DatasetListing fs,
      DatasetListing replica,
      Destination dest,
      PruneContext cycle,
      CursorBoard board) {
    Optional<Long> base =
        board
            .movedTo(dest.sink())
            .map(FilesystemVersion::guid)
            .or(
                () ->
                    BaseProtection.newestCommon(fs.versions(), replica.versions())
                        .map(c -> c.onReceiver().guid()));
    PruneContext context = cycle;
    return base.map(
            guid ->
                context.withProtection(
                    Protection.ofGuid(guid, "incremental base from " + identity)))
        .orElse(context);
  }

  /**
   * Sender pruning keeps what any sink still needs: each sink's incremental base and, for {@code
   * not-replicated}, everything from its cursor on (as this cycle's replication left it: once a
   * step moved the base, the listing's older base is no longer protected).
   */
  private PruneContext senderContext(DatasetListing fs, PruneContext cycle, CursorBoard board) {
    PruneContext context = cycle;
    for (Destination dest : destinations.values()) {
      Optional<FilesystemVersion> moved = board.movedTo(dest.sink());
      CursorState cursor =
          moved
              .<CursorState>map(v -> new CursorState.Known(dest.sink(), v.guid(), v.createTxg()))
              .orElseGet(() -> cursor(fs, dest.sink(), marks(dest.sink())));
      context = context.withCursor(cursor);
      // The cursor is the next incremental base even while the sink cannot be listed: an
      // unreachable sink must find it when it returns.
      if (cursor instanceof CursorState.Known known) {
        context =
            context.withProtection(
                Protection.ofGuid(known.guid(), "replication cursor of sink " + dest.sink()));
      }
      List<FilesystemVersion> receiverVersions =
          receiverDataset(fs, dest).map(DatasetListing::versions).orElse(List.of());
      Optional<FilesystemVersion> common =
          BaseProtection.newestCommon(fs.versions(), receiverVersions).map(c -> c.onSender());
      if (common.isPresent() && moved.isEmpty()) {
        context =
            context.withProtection(
                Protection.ofGuid(common.get().guid(), "incremental base for sink " + dest.sink()));
      }
      if (moved.isPresent()) {
        context =
            context.withProtection(
                Protection.ofGuid(moved.get().guid(), "incremental base for sink " + dest.sink()));
      }
    }
    return context;
  }

  private Optional<DatasetListing> receiverDataset(DatasetListing fs, Destination dest) {
    if (dest.receiver().isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(dest.datasets().get(layout(dest).receiverPath(fs.name())));
  }

  private ReceiverLayout layout(Destination dest) {
    DatasetName root = dest.receiver().orElseThrow().root();
    return new ReceiverLayout(root.parent().orElseThrow(), root.leaf());
  }

  private CursorState cursor(DatasetListing fs, String sink, ReplicationMarks marks) {
    String value = marks.cursorIn(fs.properties()).orElse(null);
    if (value == null) {
      return new CursorState.Missing(sink);
    }
    try {
      long guid = Long.parseUnsignedLong(value.strip());
      return fs.versions().stream()
          .filter(v -> v.guid() == guid)
          .findFirst()
          .<CursorState>map(v -> new CursorState.Known(sink, guid, v.createTxg()))
          .orElse(new CursorState.Missing(sink));
    } catch (NumberFormatException e) {
      return new CursorState.Missing(sink);
    }
  }

  private StepWork replicate(DatasetListing fs, Destination dest, CursorBoard board) {
    if (dest.receiver().isEmpty()) {
      String problem = dest.problem();
      return control -> {
        throw new ReceiverDirectory.Unavailable(problem);
      };
    }
    ReceiverLayout layout = layout(dest);
    // Ancestors that are replicated themselves are not made placeholders: a placeholder keeps
    // canmount=off through the forced receive that later makes it a replica. A child whose turn
    // comes before its parent's first receive waits for it (ParentNotReceivedYet).
    Set<DatasetName> replicated = new HashSet<>(own.listing().keySet());
    List<DatasetName> placeholders =
        layout.placeholders(replicated).stream()
            .filter(
                p ->
                    layout.receiverPath(fs.name()).isWithin(p)
                        && !p.equals(layout.receiverPath(fs.name())))
            .toList();
    PlanOptions options =
        PlanOptions.defaults()
            .withInitialReplication(initial(job.replication().initialReplication()));
    ReplicationTask task =
        new ReplicationTask(
            fs,
            layout,
            Optional.ofNullable(dest.datasets().get(layout.receiverPath(fs.name()))),
            dest.datasets().keySet(),
            placeholders,
            options,
            marks(dest.sink()));
    return new ReplicateFilesystem(
        sender, dest.receiver().get(), task, transferOptions, dest.sink(), board);
  }

  public static InitialReplication initial(Replication.InitialReplication policy) {
    return switch (policy) {
      case ALL -> InitialReplication.ALL;
      case MOST_RECENT -> InitialReplication.MOST_RECENT;
      case FAIL -> InitialReplication.FAIL;
    };
  }

  /** The transfer options of a job: the byte path's defaults and the job's bandwidth limit. */
  public static TransferOptions transferOptions(PushJob job) {
    TransferOptions options = TransferOptions.defaults();
    if (job.replication().bandwidthLimit().isPresent()) {
      options = options.withBandwidthLimit(job.replication().bandwidthLimit().getAsLong());
    }
    return options;
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
