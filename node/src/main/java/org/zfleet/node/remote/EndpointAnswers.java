package org.zfleet.node.remote;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.endpoint.AccessRefused;
import org.zfleet.node.cluster.JobEndpointProtocol.Failed;
import org.zfleet.node.cluster.JobEndpointProtocol.Refused;
import org.zfleet.node.cluster.JobEndpointProtocol.SinkReply;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.zfs.ZfsException;

/**
 * How a sink or source endpoint answers a peer: ZFS work runs off the actor, and every request gets
 * one reply, a refusal (logged with identity and dataset) or a one-line failure.
 */
final class EndpointAnswers {

  private static final Logger log = LoggerFactory.getLogger(EndpointAnswers.class);

  private final String role;
  private final String job;
  private final Executor blocking;
  private final SinkEndpoint.ReplyCheck replies;

  /**
   * @param role "sink" or "source", for log lines
   */
  EndpointAnswers(String role, String job, Executor blocking, SinkEndpoint.ReplyCheck replies) {
    this.role = role;
    this.job = job;
    this.blocking = blocking;
    this.replies = replies;
  }

  /**
   * Runs {@code work} on the blocking executor and answers with its reply, or with what its failure
   * means; {@code dataset} names what a malformed request was about.
   */
  void run(String identity, String dataset, ActorRef<SinkReply> replyTo, Supplier<SinkReply> work) {
    CompletableFuture.supplyAsync(work, blocking)
        .whenComplete(
            (reply, error) ->
                replyTo.tell(error == null ? checked(reply) : answer(identity, dataset, error)));
  }

  /** The reply, unless it cannot cross the cluster (a listing too large for a frame). */
  SinkReply checked(SinkReply reply) {
    String problem = replies.problem(reply);
    if (problem == null) {
      return reply;
    }
    log.warn("cannot answer {}={}: {}", role, job, problem);
    return new Failed("Error", problem, "");
  }

  /** What a failed request tells its peer. */
  SinkReply answer(String identity, String dataset, Throwable failure) {
    Throwable error =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (error instanceof AccessRefused refused) {
      // The local endpoint (LocalReceiver, LocalSender) has logged it.
      return new Refused(refused.identity(), refused.dataset(), refused.why());
    }
    if (error instanceof ZfsException zfs) {
      log.info(
          "{} request failed {}={} identity={}: {}", role, role, job, identity, zfs.getMessage());
      return new Failed(zfs.getClass().getSimpleName(), zfs.getMessage(), zfs.stderr());
    }
    if (error instanceof TransferFailedException failed) {
      log.info(
          "{} send failed {}={} identity={}: {}", role, role, job, identity, failed.getMessage());
      return new Failed(
          "StreamFailed", failed.getMessage(), failed.sendStderr() + failed.receiveStderr());
    }
    if (error instanceof IllegalArgumentException bad) {
      return refuse(identity, dataset, bad.getMessage());
    }
    log.warn("{} request failed {}={} identity={}", role, role, job, identity, error);
    return new Failed("Error", String.valueOf(error.getMessage()), "");
  }

  /** Refuses a request, logging identity and dataset. */
  Refused refuse(String identity, String dataset, String why) {
    log.warn(
        "refused {}={} identity={} dataset=\"{}\" reason=\"{}\"",
        role,
        job,
        identity,
        dataset,
        why);
    return new Refused(identity, dataset, why);
  }
}
