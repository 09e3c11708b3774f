package org.zfleet.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import org.zfleet.plan.ReceiverState;
import org.zfleet.plan.Step;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.TransferResult;

/**
 * Carries out one filesystem's planned replication to one destination: creates missing placeholder
 * parents, and runs each step send -> stream -> receive ({@link StepTransfer}) while its snapshots
 * are held, moving the replication cursor ({@link ReplicationCursor}) after every step so the next
 * incremental base is always kept (a held snapshot, or a bookmark where the ZFS has them). A
 * conflict changes nothing and is reported; a failed step leaves the receiver at its last good
 * snapshot and the cursor where it was. What it did is returned for the filesystem's cycle to go on
 * from.
 */
public final class ReplicateFilesystem implements StepWork {

  private static final Logger log = LoggerFactory.getLogger(ReplicateFilesystem.class);

  private final Sender sender;
  private final Receiver receiver;
  private final String destination;
  private final ReplicationPlan plan;
  private final ReplicationMarks marks;
  private final CursorHolds holds;
  private final ReplicationCursor cursor;
  private final StepTransfer transfer;

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
    this.holds = new CursorHolds(sender, plan, marks);
    this.cursor = new ReplicationCursor(sender, plan, marks, holds);
    this.transfer = new StepTransfer(sender, receiver, plan, transferOptions);
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
      plan.healCursorTo().ifPresent(cursor::moveTo);
      cursor.bookmarkIfMissing();
      cursor.releasePreparedHolds();
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
    try {
      for (Step step : steps.steps()) {
        control.checkCancelled();
        try {
          bytes += runStep(step, control);
        } catch (Exception e) {
          if (!firstFullStep(step) || !parents.targetBecameEmptyPlaceholder()) {
            throw e;
          }
          // A placeholder was made at this target after the listing: receive into it with -F
          // now, as the next plan would, instead of failing and waiting for a backoff.
          bytes += runStep(new Step(step.from(), step.to(), step.flag(), true), control);
        }
        done.add(step);
      }
    } finally {
      cursor.releasePreparedHolds();
    }
    List<String> resumedAt = transfer.resumedAt();
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
    return new ReplicationEffect(destination, done, cursor.movedTo(), cursor.bookmark());
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

  /** Sends and receives one step, then moves the cursor to where it ended. */
  private long transfer(Step step, StepControl control) throws Exception {
    TransferResult result = transfer.run(step, control);
    control.progress().phase("moving cursor to " + step.to().relativeName());
    cursor.moveTo(step.to());
    log.info(
        "sent job_step=\"{}\" fs=\"{}\" to=\"{}\" bytes={} rate={}B/s",
        step,
        plan.source(),
        plan.target(),
        result.bytes(),
        result.bytesPerSecond());
    return result.bytes();
  }
}
