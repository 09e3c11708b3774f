package org.zfleet.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.cycle.ReplicationPlan;
import org.zfleet.endpoint.Receiver;
import org.zfleet.endpoint.Sender;
import org.zfleet.job.StepControl;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
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
 * The byte path of one planned step: {@code zfs send} into {@code zfs receive} with progress and
 * cancellation. An increment into an existing replica is received resumably where both sides can,
 * and a partial receive it finds is continued from its token when it belongs to this step, else
 * aborted and the step sent from the start.
 */
final class StepTransfer {

  private static final Logger log = LoggerFactory.getLogger(StepTransfer.class);

  private final Sender sender;
  private final Receiver receiver;
  private final ReplicationPlan plan;
  private final TransferOptions transferOptions;

  /** Where resumed transfers continued, for the step's summary. */
  private final List<String> resumedAt = new ArrayList<>();

  StepTransfer(
      Sender sender, Receiver receiver, ReplicationPlan plan, TransferOptions transferOptions) {
    this.sender = sender;
    this.receiver = receiver;
    this.plan = plan;
    this.transferOptions = transferOptions;
  }

  /** "resumed at N bytes" for each transfer that continued a partial receive. */
  List<String> resumedAt() {
    return List.copyOf(resumedAt);
  }

  /** Sends and receives {@code step}, continuing a partial receive where both sides can. */
  TransferResult run(Step step, StepControl control) throws Exception {
    SnapshotName to = plan.source().snapshot(step.to().name());
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
    // Increments into an existing replica, and full streams that create their target, are
    // received with -s where both sides can resume: a cut transfer keeps what arrived, and the
    // next attempt sends only the rest. (A forced full stream into a placeholder starts over.)
    boolean full = step.flag() == Step.Flag.FULL;
    boolean resumable =
        (!full || (!force && plan.receiverState() == ReceiverState.ABSENT))
            && sender.resumes()
            && receiver.resumes();
    ReceiveRequest receive = receiveRequest(step, force);
    if (resumable) {
      receive = receive.asResumable();
    }
    TransferResult result = null;
    // An increment's target is asked for its token; a new filesystem only when the listing found
    // one a cut full receive left (otherwise there is nothing to ask).
    Optional<ResumeToken> partial =
        resumable && (!full || plan.partialFullReceive())
            ? receiver.resumeToken(plan.target())
            : Optional.empty();
    if (partial.isPresent()) {
      result = resume(step, partial.get(), receive, control);
    }
    if (result == null) {
      result = stream(step, sender.send(request), receive, control);
    }
    return result;
  }

  /**
   * Continues the interrupted transfer of {@code step} from {@code token}; null when the token
   * belongs to another stream or the sender cannot serve it: the partial receive is then aborted
   * ({@code receive -A}) and the step starts over.
   */
  private TransferResult resume(
      Step step, ResumeToken partial, ReceiveRequest receive, StepControl control)
      throws Exception {
    ResumeToken token = readBySender(partial);
    if (continues(step, token)) {
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

  /**
   * {@code partial} as the sender's own ZFS reads it. A token from this node's ZFS comes decoded; a
   * sink on another node tells only its text and byte count, and what it names (any snapshot the
   * sender has) is what {@code zfs send -t} would send, so the sender reads it before trusting it.
   */
  private ResumeToken readBySender(ResumeToken partial) {
    if (partial.toName().isPresent() && partial.toGuid().isPresent()) {
      return partial;
    }
    return sender
        .readResumeToken(partial.token())
        .map(
            read ->
                new ResumeToken(
                    read.token(),
                    read.toGuid(),
                    read.toName(),
                    read.fromGuid(),
                    read.bytes() > 0 ? read.bytes() : partial.bytes()))
        .orElse(partial);
  }

  /**
   * Whether {@code token} continues exactly this step: this filesystem's snapshot {@code to} by
   * name and guid, from the step's base. Anything unread or different is another stream.
   */
  private boolean continues(Step step, ResumeToken token) {
    String to = plan.source().snapshot(step.to().name()).toString();
    boolean sameTarget =
        token.toName().filter(to::equals).isPresent()
            && token.toGuid().isPresent()
            && token.toGuid().getAsLong() == step.to().guid();
    boolean sameBase =
        step.from().isEmpty()
            ? token.fromGuid().isEmpty()
            : token.fromGuid().isPresent()
                && token.fromGuid().getAsLong() == step.from().get().guid();
    return sameTarget && sameBase;
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
   * The receive of one step. An increment off the newest snapshot of a replica the receiving node's
   * own listing found inert (a local sink's, or a pull's) asks nothing more of zfs and sets
   * nothing: the replica has its role. Otherwise a replica's role is set when it is made (a full
   * stream); an increment into the replica the listing found keeps it, so a prepared step sets
   * nothing.
   */
  private ReceiveRequest receiveRequest(Step step, boolean force) {
    Optional<List<FilesystemVersion>> listed = plan.listedReplicaFor(step);
    if (listed.isPresent()) {
      return ReceiveRequest.intoListedReplica(plan.target(), listed.get());
    }
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
        plan.target(), force, Map.of(), Optional.of(plan.receiverState() == ReceiverState.REPLICA));
  }
}
