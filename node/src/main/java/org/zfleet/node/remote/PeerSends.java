package org.zfleet.node.remote;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.job.StepId;
import org.zfleet.job.StepKind;
import org.zfleet.job.StepResult;
import org.zfleet.model.SnapshotName;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.dataplane.TransferRunner;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.TransferResult;
import org.zfleet.zfs.SendProcess;

/**
 * A send another node asked of this one, streamed to that node's data plane (which must present the
 * asking node's certificate) as a step of this node: a source's send for a pull, a sink's send of a
 * backup for a restore. Answers when the transfer ends.
 */
final class PeerSends {

  private static final Logger log = LoggerFactory.getLogger(PeerSends.class);

  private final SourceRequests.Outbound outbound;
  private final PeerSteps steps;
  private final AtomicLong attempts = new AtomicLong();

  PeerSends(SourceRequests.Outbound outbound, PeerSteps steps) {
    this.outbound = outbound;
    this.steps = steps;
  }

  /**
   * Streams {@code send} (started inside the step) of {@code to} to {@code address}; {@link
   * EndpointReply.Sent} or what {@code core} makes of the failure.
   */
  EndpointReply send(
      String role,
      String job,
      PeerAddress address,
      TransferHeader header,
      SnapshotName to,
      Supplier<SendProcess> send,
      EndpointRequests core) {
    String peer = address.identity().name();
    StepId id =
        new StepId(job, to.dataset().value(), StepKind.SEND, peer, attempts.incrementAndGet());
    TransferRunner.Running running =
        steps.run(
            id,
            peer,
            control -> {
              control.progress().phase("sending @" + to.name() + " to " + peer);
              SendProcess process = send.get();
              long[] last = {0};
              RunningTransfer transfer =
                  outbound.send(
                      address,
                      header,
                      process,
                      TransferOptions.defaults(),
                      p -> {
                        control.progress().addBytes(p.bytes() - last[0]);
                        last[0] = p.bytes();
                      });
              control.onCancel(transfer::cancel);
              try {
                TransferResult result = transfer.result().toCompletableFuture().get();
                return new StepResult(
                    "sent " + to + " to " + peer + ": " + result.bytes() + " bytes",
                    result.bytes());
              } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
              }
            });
    try {
      StepResult result = running.result().toCompletableFuture().get();
      log.info(
          "sent {}={} identity={} snapshot=\"{}\" target=\"{}\" bytes={}",
          role,
          job,
          peer,
          to,
          header.target(),
          result.bytes());
      return new EndpointReply.Sent(result.bytes());
    } catch (ExecutionException e) {
      return core.failure(role, job, peer, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.cancel("interrupted");
      return new EndpointReply.Failed("Error", "interrupted", "");
    }
  }
}
