package org.zfleet.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.cycle.ReplicationEffect;
import org.zfleet.cycle.ReplicationPlan;
import org.zfleet.endpoint.Receiver;
import org.zfleet.endpoint.Sender;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepFact;
import org.zfleet.job.StepOutput;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.plan.Plan;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.plan.ReceiverState;
import org.zfleet.plan.Step;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.TransferResult;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.ResumeToken;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.SendRequest;
import org.zfleet.zfs.ZfsException;

/**
 * Carries out one filesystem's planned replication to one destination: creates missing placeholder
 * parents, and runs each step send -> stream -> receive while its snapshots are held, moving the
 * replication cursor after every step so the next incremental base is always held. A conflict
 * changes nothing and is reported; a failed step leaves the receiver at its last good snapshot and
 * the cursor where it was. What it did is returned for the filesystem's cycle to go on from.
 */
public final class ReplicateFilesystem implements StepWork {

  private static final Logger log = LoggerFactory.getLogger(ReplicateFilesystem.class);

  private final Sender sender;
  private final Receiver receiver;
  private final String destination;
  private final ReplicationPlan plan;
  private final ReplicationMarks marks;
  private final TransferOptions transferOptions;
  private final CursorHolds holds;

  /** The cursor as it stands: from the listing, then wherever this step moved it. */
  private OptionalLong cursor;

  private Optional<FilesystemVersion> movedTo = Optional.empty();

  /** Where resumed transfers continued, for the step's summary. */
  private final List<String> resumedAt = new ArrayList<>();

  public ReplicateFilesystem(
      Sender sender,
      Receiver receiver,
      String destination,
      ReplicationPlan plan,
      ReplicationMarks marks,
      TransferOptions transferOptions) {
    this.sender = sender;
    this.receiver = receiver;
    this.destination = destination;
    this.plan = plan;
    this.marks = marks;
    this.transferOptions = transferOptions;
    this.holds = new CursorHolds(sender, plan, marks);
    this.cursor = plan.cursorGuid();
  }

  @Override
  public StepResult run(StepControl control) throws Exception {
    control.progress().phase("planning");
    plan.warnings().forEach(w -> log.warn("{}", w));
    holds.releaseStaleStepHolds(control);
    if (plan.plan() instanceof Plan.Conflict conflict) {
      throw new ReplicationConflict(conflict.message());
    }
    if (plan.plan() instanceof Plan.UpToDate) {
      plan.healCursorTo().ifPresent(this::moveCursor);
      // Named after the newest snapshot, so the status still says where the replica is.
      Optional<FilesystemVersion> newest = plan.newestSnapshot();
      StepResult upToDate =
          StepResult.of(
                  newest
                      .map(n -> "up to date, now at @" + n.name())
                      .orElse("nothing to send: it has no snapshot"))
              .with(new StepOutput.Replicated(effect(List.of())));
      return newest
          .map(n -> upToDate.with(new StepFact.ReplicaAt(n.name(), n.creation())))
          .orElse(upToDate);
    }
    Plan.Steps steps = (Plan.Steps) plan.plan();
    ReceiverParents parents = new ReceiverParents(receiver, plan);
    if (plan.receiverState() == ReceiverState.ABSENT) {
      parents.requireReplicatedAncestor();
    }
    if (!plan.placeholdersPrepared()) {
      // Else the job's prepare step made them, once for all its filesystems.
      parents.createPlaceholders(control);
    }
    long bytes = 0;
    List<Step> done = new ArrayList<>();
    for (Step step : steps.steps()) {
      control.checkCancelled();
      try {
        bytes += runStep(step, control);
      } catch (Exception e) {
        if (!firstFullStep(step) || !parents.targetBecameEmptyPlaceholder()) {
          throw e;
        }
        // A placeholder was made at this target after the listing: receive into it with -F now,
        // as the next plan would, instead of failing and waiting for a backoff.
        bytes += runStep(new Step(step.from(), step.to(), step.flag(), true), control);
      }
      done.add(step);
    }
    return new StepResult(
            "replicated "
                + plan.source()
                + " to "
                + plan.target()
                + " in "
                + done.size()
                + " step(s), now at "
                + steps.last().relativeName()
                + (resumedAt.isEmpty() ? "" : " (" + String.join(", ", resumedAt) + ")"),
            bytes,
            List.of(new StepFact.ReplicaAt(steps.last().name(), steps.last().creation())))
        .with(new StepOutput.Replicated(effect(done)));
  }

  private ReplicationEffect effect(List<Step> done) {
    return new ReplicationEffect(destination, done, movedTo);
  }

  /** A full step planned into an absent target, not yet forced. */
  private boolean firstFullStep(Step step) {
    return step.flag() == Step.Flag.FULL
        && !step.forceReceive()
        && plan.receiverState() == ReceiverState.ABSENT;
  }

  private long runStep(Step step, StepControl control) throws Exception {
    if (plan.preparedByJob()) {
      // The job's prepare step holds the snapshots this cycle sends: the step is the transfer.
      return transfer(step, control);
    }
    DatasetName fs = plan.source();
    List<SnapshotName> held = new ArrayList<>();
    step.from()
        .filter(FilesystemVersion::isSnapshot)
        .ifPresent(f -> held.add(fs.snapshot(f.name())));
    held.add(fs.snapshot(step.to().name()));

    control.progress().phase("holding " + step);
    sender.setUserProperty(
        fs.value(),
        marks.stepProperty(),
        String.join(",", held.stream().map(SnapshotName::name).toList()));
    try {
      // Inside the try: a snapshot destroyed since the listing fails its hold, and the holds
      // already taken must not outlive the step.
      for (SnapshotName s : held) {
        holds.hold(s, marks.stepHoldTag());
      }
      return transfer(step, control);
    } finally {
      for (SnapshotName s : held) {
        holds.releaseQuietly(s, marks.stepHoldTag());
      }
      sender.inheritUserProperty(fs, marks.stepProperty());
    }
  }

  /**
   * Sends and receives one step (continuing a partial receive where both sides can), then moves the
   * cursor to where it ended.
   */
  private long transfer(Step step, StepControl control) throws Exception {
    DatasetName fs = plan.source();
    SnapshotName to = fs.snapshot(step.to().name());
    control.progress().phase("sending " + step);
    SendRequest request =
        switch (step.flag()) {
          case FULL -> SendRequest.full(to);
          case INCREMENTAL -> SendRequest.incremental(step.from().orElseThrow(), to);
          case INTERMEDIATE -> SendRequest.intermediate(step.from().orElseThrow(), to);
        };
    // -F only into an empty placeholder (the plan's full step): replicas are received unmounted
    // and read-only, so nothing changes them between increments.
    boolean force = step.forceReceive();
    // Increments into an existing replica are received with -s where both sides can resume: a
    // cut transfer keeps what arrived, and the next attempt sends only the rest.
    boolean resumable = step.flag() != Step.Flag.FULL && sender.resumes() && receiver.resumes();
    ReceiveRequest receive = receiveRequest(step, force);
    if (resumable) {
      receive = receive.asResumable();
    }
    TransferResult result = null;
    Optional<ResumeToken> partial =
        resumable ? receiver.resumeToken(plan.target()) : Optional.empty();
    if (partial.isPresent()) {
      result = resume(step, partial.get(), receive, control);
    }
    if (result == null) {
      result = stream(step, sender.send(request), receive, control);
    }
    control.progress().phase("moving cursor to " + step.to().relativeName());
    moveCursor(step.to());
    log.info(
        "sent job_step=\"{}\" fs=\"{}\" to=\"{}\" bytes={} rate={}B/s",
        step,
        fs,
        plan.target(),
        result.bytes(),
        result.bytesPerSecond());
    return result.bytes();
  }

  /**
   * Continues the interrupted transfer of {@code step} from {@code token}; null when the token
   * belongs to another stream or the sender cannot serve it: the partial receive is then aborted
   * ({@code receive -A}) and the step starts over.
   */
  private TransferResult resume(
      Step step, ResumeToken token, ReceiveRequest receive, StepControl control) throws Exception {
    boolean continuesStep =
        token.toGuid().orElse(step.to().guid()) == step.to().guid()
            && (step.from().isEmpty()
                || token.fromGuid().orElse(step.from().get().guid()) == step.from().get().guid());
    if (continuesStep) {
      control.progress().phase("resuming " + step + " at " + token.bytes() + " bytes");
      log.info(
          "resuming job_step=\"{}\" fs=\"{}\" to=\"{}\" at_bytes={}",
          step,
          plan.source(),
          plan.target(),
          token.bytes());
      try {
        TransferResult rest = stream(step, sender.resumeSend(token), receive, control);
        resumedAt.add("resumed at " + token.bytes() + " bytes");
        return rest;
      } catch (Exception e) {
        if (!resumeRefused(e)) {
          throw e; // the partial receive stays, for the next attempt
        }
        log.warn(
            "the sender cannot continue a partial receive, aborting it and starting over"
                + " job_step=\"{}\" to=\"{}\" partial={} reason=\"{}\"",
            step,
            plan.target(),
            token,
            e.getMessage());
      }
    } else {
      log.warn(
          "a partial receive of another stream is in the way, aborting it and starting over"
              + " job_step=\"{}\" to=\"{}\" partial={}",
          step,
          plan.target(),
          token);
    }
    receiver.abortResumableReceive(plan.target());
    control.progress().phase("sending " + step + " from the start");
    return null;
  }

  private static boolean resumeRefused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ZfsException.ResumeFailed) {
        return true;
      }
    }
    return false;
  }

  /** Streams {@code send} into the receiver, counting progress, until it ends. */
  private TransferResult stream(
      Step step, SendProcess send, ReceiveRequest receive, StepControl control) throws Exception {
    long[] last = {0};
    RunningTransfer transfer =
        receiver.receiveFrom(
            send,
            receive,
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
      new ReceivedAnyway(receiver, plan).markIfReceived(step);
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    control.progress().addBytes(result.bytes() - last[0]);
    return result;
  }

  /**
   * The receive of one step. A replica's role is set when it is made (a full stream); an increment
   * into the replica the listing found keeps it, so a prepared step sets nothing and asks nothing
   * more of zfs.
   */
  private ReceiveRequest receiveRequest(Step step, boolean force) {
    if (!plan.preparedByJob()) {
      return new ReceiveRequest(plan.target(), force, ReceiverLayout.replicaProperties());
    }
    if (step.flag() == Step.Flag.FULL) {
      return new ReceiveRequest(
          plan.target(),
          force,
          ReceiverLayout.replicaProperties(),
          Optional.of(plan.receiverState() != ReceiverState.ABSENT));
    }
    return new ReceiveRequest(
        plan.target(),
        force,
        java.util.Map.of(),
        Optional.of(plan.receiverState() == ReceiverState.REPLICA));
  }

  /**
   * Holds the new cursor snapshot, records its guid, then lets the old one go; in a prepared cycle
   * the job holds and releases, and the step only records the guid.
   */
  private void moveCursor(FilesystemVersion to) {
    if (plan.preparedByJob()) {
      holds.recordCursor(to);
    } else {
      holds.moveCursor(cursor, to);
    }
    cursor = OptionalLong.of(to.guid());
    movedTo = Optional.of(to);
  }
}
