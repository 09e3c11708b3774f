package org.zfleet.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.endpoint.Receiver;
import org.zfleet.endpoint.Sender;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepFact;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.plan.Plan;
import org.zfleet.plan.Planner;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.plan.ReceiverState;
import org.zfleet.plan.Step;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.TransferResult;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.SendRequest;
import org.zfleet.zfs.ZfsException;

/**
 * Replicates one filesystem to one destination: plans from both sides' versions, creates missing
 * placeholder parents, and runs each step send -> stream -> receive while its snapshots are held,
 * moving the replication cursor after every step so the next incremental base is always held. A
 * conflict changes nothing and is reported; a failed step leaves the receiver at its last good
 * snapshot and the cursor where it was.
 */
public final class ReplicateFilesystem implements StepWork {

  private static final Logger log = LoggerFactory.getLogger(ReplicateFilesystem.class);

  private final Sender sender;
  private final Receiver receiver;
  private final ReplicationTask task;
  private final TransferOptions transferOptions;
  private final CursorBoard board;
  private final String destination;
  private ReceiverState receiverState = ReceiverState.ABSENT;

  /** The cursor as it stands: from the listing, then wherever this step moved it. */
  private OptionalLong cursor = OptionalLong.empty();

  private boolean lostCursorReleased;

  /**
   * @param destination the receiving job, under which moved cursors are posted on {@code board}
   */
  public ReplicateFilesystem(
      Sender sender,
      Receiver receiver,
      ReplicationTask task,
      TransferOptions transferOptions,
      String destination,
      CursorBoard board) {
    this.sender = sender;
    this.receiver = receiver;
    this.task = task;
    this.transferOptions = transferOptions;
    this.destination = destination;
    this.board = board;
  }

  private ReceiverState receiverState() {
    return ReceiverState.of(
        task.receiver().isPresent(),
        task.receiver().map(r -> r.properties().get(ReceiverState.ROLE_PROPERTY)));
  }

  /** The plan from this cycle's listing of both sides; computes only, changes nothing. */
  public Plan plan() {
    List<FilesystemVersion> senderVersions = task.sender().versions();
    List<FilesystemVersion> receiverVersions =
        task.receiver().map(DatasetListing::versions).orElse(List.of());
    OptionalLong listed = cursorGuid();
    var options = task.options().withReceiverState(receiverState());
    options = listed.isPresent() ? options.withCursor(listed.getAsLong()) : options.withoutCursor();
    return Planner.plan(senderVersions, receiverVersions, options);
  }

  public ReplicationTask task() {
    return task;
  }

  @Override
  public StepResult run(StepControl control) throws Exception {
    control.progress().phase("planning");
    ReplicationMarks marks = task.marks();
    releaseStaleStepHolds(control);

    cursor = cursorGuid();
    receiverState = receiverState();
    Plan plan = plan();

    if (plan instanceof Plan.Conflict conflict) {
      throw new ReplicationConflict(conflict.message());
    }
    if (plan instanceof Plan.UpToDate) {
      healCursor(
          task.sender().versions(),
          task.receiver().map(DatasetListing::versions).orElse(List.of()));
      // Named after the newest snapshot, so the status still says where the replica is.
      Optional<FilesystemVersion> newest =
          task.sender().versions().stream()
              .filter(FilesystemVersion::isSnapshot)
              .reduce((first, second) -> second);
      StepResult upToDate =
          StepResult.of(newest.map(n -> "up to date, now at @" + n.name()).orElse("up to date"));
      return newest
          .map(n -> upToDate.with(new StepFact.ReplicaAt(n.name(), n.creation())))
          .orElse(upToDate);
    }
    Plan.Steps steps = (Plan.Steps) plan;
    if (receiverState == ReceiverState.ABSENT) {
      requireReplicatedParent();
    }
    createPlaceholders(control);
    long bytes = 0;
    List<String> done = new ArrayList<>();
    for (Step step : steps.steps()) {
      control.checkCancelled();
      try {
        bytes += runStep(step, control);
      } catch (Exception e) {
        if (!becameEmptyPlaceholder(step)) {
          throw e;
        }
        // A child's replication made this target a placeholder after the listing: receive into it
        // with -F now, as the next plan would, instead of failing and waiting for a backoff.
        log.info(
            "target became a placeholder; receiving into it fs=\"{}\" target=\"{}\"",
            task.senderFs(),
            task.receiverFs());
        bytes += runStep(new Step(step.from(), step.to(), step.flag(), true), control);
      }
      done.add(step.toString());
    }
    return new StepResult(
        "replicated "
            + task.senderFs()
            + " to "
            + task.receiverFs()
            + " in "
            + done.size()
            + " step(s), now at "
            + steps.last().relativeName(),
        bytes,
        List.of(new StepFact.ReplicaAt(steps.last().name(), steps.last().creation())));
  }

  /**
   * A full step planned into an absent target failed because the target now exists: a nested
   * filesystem's replication created it as an empty placeholder meanwhile.
   */
  private boolean becameEmptyPlaceholder(Step step) {
    if (step.flag() != Step.Flag.FULL
        || step.forceReceive()
        || receiverState != ReceiverState.ABSENT) {
      return false;
    }
    try {
      return receiver.list(Set.of(ReceiverState.ROLE_PROPERTY)).stream()
          .filter(d -> d.name().equals(task.receiverFs()))
          .anyMatch(
              d ->
                  ReceiverState.ROLE_PLACEHOLDER.equals(
                          d.properties().get(ReceiverState.ROLE_PROPERTY))
                      && d.versions().stream().noneMatch(FilesystemVersion::isSnapshot));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * A first receive into a dataset whose parent is itself a replica-to-be (not a placeholder) needs
   * that parent's first replication to have arrived; it runs in parallel in another supervisor. The
   * listing may predate it, so the receiver is asked again before waiting.
   */
  private void requireReplicatedParent() {
    Optional<DatasetName> parent = task.receiverFs().parent();
    if (parent.isEmpty()
        || !parent.get().isWithin(task.layout().clientRoot())
        || parent.get().equals(task.layout().clientRoot())
        || task.receiverDatasets().contains(parent.get())
        || task.placeholders().contains(parent.get())) {
      return;
    }
    boolean arrived = receiver.list(Set.of()).stream().anyMatch(d -> d.name().equals(parent.get()));
    if (!arrived) {
      throw new ParentNotReceivedYet(
          "waiting for "
              + parent.get()
              + " to be received first (the replication of "
              + task.layout()
                  .senderPath(parent.get())
                  .map(DatasetName::value)
                  .orElse(parent.get().value())
              + " creates it)");
    }
  }

  private OptionalLong cursorGuid() {
    Optional<String> value = task.marks().cursorIn(task.sender().properties());
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseUnsignedLong(value.get().strip()));
    } catch (NumberFormatException e) {
      log.warn(
          "ignoring malformed cursor fs=\"{}\" property={} value=\"{}\"",
          task.senderFs(),
          task.marks().cursorProperty(),
          value.get());
      return OptionalLong.empty();
    }
  }

  private void createPlaceholders(StepControl control) {
    for (DatasetName placeholder : task.placeholders()) {
      if (task.receiverDatasets().contains(placeholder)) {
        continue;
      }
      control.progress().phase("creating placeholder " + placeholder);
      try {
        receiver.createPlaceholder(placeholder, ReceiverLayout.placeholderProperties());
      } catch (ZfsException.AlreadyExists e) {
        // Another filesystem's supervisor made it first.
      }
    }
  }

  private long runStep(Step step, StepControl control) throws Exception {
    DatasetName fs = task.senderFs();
    SnapshotName to = fs.snapshot(step.to().name());
    List<SnapshotName> held = new ArrayList<>();
    step.from()
        .filter(FilesystemVersion::isSnapshot)
        .ifPresent(f -> held.add(fs.snapshot(f.name())));
    held.add(to);

    control.progress().phase("holding " + step);
    sender.setUserProperty(
        fs.value(),
        task.marks().stepProperty(),
        String.join(",", held.stream().map(SnapshotName::name).toList()));
    try {
      // Inside the try: a snapshot destroyed since the listing fails its hold, and the holds
      // already taken must not outlive the step.
      for (SnapshotName s : held) {
        holdIdempotent(s, task.marks().stepHoldTag());
      }
      control.progress().phase("sending " + step);
      SendRequest request =
          switch (step.flag()) {
            case FULL -> SendRequest.full(to);
            case INCREMENTAL -> SendRequest.incremental(step.from().orElseThrow(), to);
            case INTERMEDIATE -> SendRequest.intermediate(step.from().orElseThrow(), to);
          };
      SendProcess send = sender.send(request);
      // -F only into an empty placeholder (the plan's full step): replicas are received unmounted
      // and read-only, so nothing changes them between increments.
      boolean force = step.forceReceive();
      long[] last = {0};
      RunningTransfer transfer =
          receiver.receiveFrom(
              send,
              new ReceiveRequest(task.receiverFs(), force, ReplicationTask.replicaProperties()),
              transferOptions,
              p -> {
                control.progress().addBytes(p.bytes() - last[0]);
                last[0] = p.bytes();
              });
      control.onCancel(transfer::cancel);
      TransferResult result;
      try {
        result = transfer.result().toCompletableFuture().get();
      } catch (ExecutionException e) {
        markIfReceivedAnyway(step);
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
      control.progress().addBytes(result.bytes() - last[0]);
      control.progress().phase("moving cursor to " + step.to().relativeName());
      moveCursor(step.to());
      log.info(
          "sent job_step=\"{}\" fs=\"{}\" to=\"{}\" bytes={} rate={}B/s",
          step,
          fs,
          task.receiverFs(),
          result.bytes(),
          result.bytesPerSecond());
      return result.bytes();
    } finally {
      for (SnapshotName s : held) {
        releaseQuietly(s, task.marks().stepHoldTag());
      }
      sender.inheritUserProperty(fs, task.marks().stepProperty());
    }
  }

  /**
   * A first receive that failed may still have been committed: zfs-fuse receives in its daemon,
   * which goes on reading the stream when the {@code zfs receive} process is stopped or killed, and
   * any ZFS can commit just before its process is killed. The new dataset then lacks the replica
   * role, which is set once the process has exited, and would be taken for someone else's dataset
   * for ever. It holds the very snapshot this step sent (same guid), so it is zfleet's: mark it.
   */
  private void markIfReceivedAnyway(Step step) {
    if (step.flag() != Step.Flag.FULL || receiverState != ReceiverState.ABSENT) {
      return;
    }
    DatasetName target = task.receiverFs();
    try {
      boolean received =
          receiver.list(Set.of(ReceiverState.ROLE_PROPERTY)).stream()
              .filter(d -> d.name().equals(target))
              .anyMatch(
                  d ->
                      !d.properties().containsKey(ReceiverState.ROLE_PROPERTY)
                          && d.versions().stream()
                              .anyMatch(v -> v.isSnapshot() && v.guid() == step.to().guid()));
      if (received) {
        ReplicationTask.replicaProperties()
            .forEach((k, v) -> receiver.setUserProperty(target.value(), k, v));
        log.warn(
            "a failed receive was committed anyway; marked it as a replica fs=\"{}\" target=\"{}\" snapshot=\"{}\"",
            task.senderFs(),
            target,
            step.to().relativeName());
      }
    } catch (RuntimeException e) {
      log.warn(
          "could not check a failed receive fs=\"{}\" target=\"{}\" reason=\"{}\"",
          task.senderFs(),
          target,
          e.getMessage());
    }
  }

  /** Holds the new cursor snapshot, records its guid, then lets the old one go. */
  private void moveCursor(FilesystemVersion to) {
    DatasetName fs = task.senderFs();
    OptionalLong previous = cursor;
    holdIdempotent(fs.snapshot(to.name()), task.marks().cursorHoldTag());
    sender.setUserProperty(
        fs.value(), task.marks().cursorProperty(), Long.toUnsignedString(to.guid()));
    Optional<FilesystemVersion> old =
        task.sender().versions().stream()
            .filter(v -> v.isSnapshot() && previous.isPresent() && v.guid() == previous.getAsLong())
            .findFirst();
    if (old.isPresent() && old.get().guid() != to.guid()) {
      releaseQuietly(fs.snapshot(old.get().name()), task.marks().cursorHoldTag());
    } else if (old.isEmpty() && !lostCursorReleased && receiverHadSnapshots()) {
      releaseLostCursorHolds(to);
    }
    cursor = OptionalLong.of(to.guid());
    task.marks().retireLegacy(sender, fs, task.sender().properties(), task.sender().versions());
    board.moved(destination, to);
  }

  private boolean receiverHadSnapshots() {
    return task.receiver()
        .map(r -> r.versions().stream().anyMatch(FilesystemVersion::isSnapshot))
        .orElse(false);
  }

  /**
   * The cursor property was lost (removed by hand, or never written after a crash) while the
   * receiver already had snapshots: its hold may still sit on an older snapshot, where it would
   * keep that snapshot from pruning for ever. Holds cannot be listed on every ZFS, so the tag is
   * released from every other snapshot; releasing a tag that is not there does nothing. This is
   * rare, never done on a first replication.
   */
  private void releaseLostCursorHolds(FilesystemVersion to) {
    lostCursorReleased = true;
    DatasetName fs = task.senderFs();
    int released = 0;
    for (FilesystemVersion v : task.sender().versions()) {
      if (v.isSnapshot() && v.guid() != to.guid()) {
        releaseQuietly(fs.snapshot(v.name()), task.marks().cursorHoldTag());
        released++;
      }
    }
    log.info(
        "replication cursor was missing; released its hold tag fs=\"{}\" tag={} snapshots={}",
        fs,
        task.marks().cursorHoldTag(),
        released);
  }

  /**
   * Up to date but the cursor is missing or elsewhere (e.g. lost): put it on the newest common
   * snapshot.
   */
  private void healCursor(
      List<FilesystemVersion> senderVersions, List<FilesystemVersion> receiverVersions) {
    org.zfleet.plan.BaseProtection.newestCommon(senderVersions, receiverVersions)
        .map(org.zfleet.plan.CommonBase::onSender)
        .filter(FilesystemVersion::isSnapshot)
        .filter(base -> cursor.isEmpty() || cursor.getAsLong() != base.guid())
        .ifPresent(this::moveCursor);
  }

  /** A crashed step may have left holds; its property names them. */
  private void releaseStaleStepHolds(StepControl control) {
    Optional<String> stale = task.senderProperty(task.marks().stepProperty());
    if (stale.isEmpty() || stale.get().isBlank()) {
      return;
    }
    control.progress().phase("releasing holds of an interrupted step");
    for (String name : stale.get().split(",")) {
      try {
        releaseQuietly(task.senderFs().snapshot(name.strip()), task.marks().stepHoldTag());
      } catch (IllegalArgumentException e) {
        log.warn(
            "ignoring malformed step mark fs=\"{}\" value=\"{}\"", task.senderFs(), stale.get());
      }
    }
    sender.inheritUserProperty(task.senderFs(), task.marks().stepProperty());
    log.info("released stale step holds fs=\"{}\" snapshots=\"{}\"", task.senderFs(), stale.get());
  }

  private void holdIdempotent(SnapshotName snapshot, String tag) {
    try {
      sender.hold(snapshot, tag);
    } catch (ZfsException.AlreadyExists e) {
      // Held by an earlier attempt: the hold is what we want.
    }
  }

  private void releaseQuietly(SnapshotName snapshot, String tag) {
    try {
      sender.release(snapshot, tag);
    } catch (ZfsException.NotFound e) {
      // The snapshot is gone: nothing is held.
    } catch (ZfsException e) {
      log.warn(
          "could not release hold fs=\"{}\" tag={} reason=\"{}\"", snapshot, tag, e.getMessage());
    }
  }
}
