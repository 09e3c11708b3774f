package org.zfleet.node.remote;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.config.SinkJob;
import org.zfleet.config.SourceJob;
import org.zfleet.endpoint.AccessRefused;
import org.zfleet.node.cluster.JobKeys;
import org.zfleet.node.dataplane.RequestHandler;
import org.zfleet.node.remote.EndpointReply.Failed;
import org.zfleet.node.remote.EndpointReply.Refused;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.zfs.ZfsException;

/**
 * The one place where a node decides what another may do to its sink and source jobs. The caller is
 * the node its data-plane connection's certificate names; the request names a job of this node,
 * which must list the caller among its clients; then {@link SinkRequests} or {@link SourceRequests}
 * carries the request out within what that client may touch. Every request gets one reply; every
 * refusal is logged with the caller's true name, and a malformed request changes nothing.
 */
public final class EndpointRequests implements RequestHandler {

  private static final Logger log = LoggerFactory.getLogger(EndpointRequests.class);

  /** Answers larger than this are refused with a Failed saying their size (listings). */
  static final int MAX_ANSWER = 60 * 1024 * 1024;

  private final String node;
  private final int maxAnswer;
  private final Map<String, SinkJob> sinks = new LinkedHashMap<>();
  private final Map<String, SourceJob> sources = new LinkedHashMap<>();
  private final SinkRequests sinkRequests;
  private final SourceRequests sourceRequests;

  public EndpointRequests(
      String node,
      List<SinkJob> sinks,
      List<SourceJob> sources,
      SinkRequests sinkRequests,
      SourceRequests sourceRequests) {
    this(node, sinks, sources, sinkRequests, sourceRequests, MAX_ANSWER);
  }

  /** With answers limited to {@code maxAnswer} bytes (tests). */
  EndpointRequests(
      String node,
      List<SinkJob> sinks,
      List<SourceJob> sources,
      SinkRequests sinkRequests,
      SourceRequests sourceRequests,
      int maxAnswer) {
    this.node = node;
    this.maxAnswer = maxAnswer;
    sinks.forEach(s -> this.sinks.put(s.name(), s));
    sources.forEach(s -> this.sources.put(s.name(), s));
    this.sinkRequests = sinkRequests;
    this.sourceRequests = sourceRequests;
  }

  @Override
  public byte[] answer(NodeIdentity peer, byte[] request) {
    EndpointReply reply;
    try {
      reply = answer(peer, EndpointCodec.request(request));
    } catch (IllegalArgumentException e) {
      reply = refuse("endpoint", "-", peer.name(), "", e.getMessage());
    }
    byte[] bytes = EndpointCodec.write(reply);
    if (bytes.length > maxAnswer) {
      String why =
          "the answer takes "
              + bytes.length
              + " bytes, more than the "
              + maxAnswer
              + " a node may send; prune the receiver or split the job";
      log.warn("cannot answer identity={}: {}", peer, why);
      bytes = EndpointCodec.write(new Failed("Error", why, ""));
    }
    return bytes;
  }

  /** The reply to one request of {@code peer}'s. */
  EndpointReply answer(NodeIdentity peer, EndpointRequest request) {
    String job = request.job();
    if (job == null || !validJob(job)) {
      return refuse("endpoint", String.valueOf(job), peer.name(), "", "invalid job name");
    }
    SinkJob sink = sinks.get(job);
    SourceJob source = sources.get(job);
    if (sink != null && request instanceof EndpointRequest.ToSink toSink) {
      return carryOut(
          "sink",
          job,
          peer,
          sink.clients(),
          clientRoot(sink, peer),
          () -> sinkRequests.answer(sink, peer, toSink, this));
    }
    if (source != null && request instanceof EndpointRequest.ToSource toSource) {
      return carryOut(
          "source",
          job,
          peer,
          source.clients(),
          "",
          () -> sourceRequests.answer(source, peer, toSource, this));
    }
    String why =
        sink != null
            ? "job " + job + " on node " + node + " is a sink, not a source"
            : source != null
                ? "job " + job + " on node " + node + " is a source, not a sink"
                : "no sink or source job named " + job + " runs on node " + node;
    return refuse("endpoint", job, peer.name(), "", why);
  }

  /** The work of one authorized request, which may throw what the ports throw. */
  @FunctionalInterface
  interface Work {
    EndpointReply run();
  }

  private EndpointReply carryOut(
      String role, String job, NodeIdentity peer, List<String> clients, String area, Work work) {
    if (!clients.contains(peer.name())) {
      return refuse(role, job, peer.name(), area, "not a client of " + role + " " + job);
    }
    try {
      return work.run();
    } catch (RuntimeException e) {
      return failure(role, job, peer.name(), e);
    }
  }

  /** What a failed request tells its caller. */
  EndpointReply failure(String role, String job, String identity, Throwable failure) {
    Throwable error =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (error instanceof AccessRefused refused) {
      // LocalReceiver and LocalSender have logged it.
      return new Refused(refused.identity(), refused.dataset(), refused.why());
    }
    if (error instanceof ZfsException zfs) {
      log.info(
          "{} request failed {}={} identity={}: {}", role, role, job, identity, zfs.getMessage());
      return new Failed(zfs.getClass().getSimpleName(), zfs.getMessage(), zfs.stderr());
    }
    if (error instanceof TransferFailedException transfer) {
      log.info(
          "{} send failed {}={} identity={}: {}", role, role, job, identity, transfer.getMessage());
      return new Failed(
          "StreamFailed", transfer.getMessage(), transfer.sendStderr() + transfer.receiveStderr());
    }
    if (error instanceof IllegalArgumentException bad) {
      return refuse(role, job, identity, "", bad.getMessage());
    }
    log.warn("{} request failed {}={} identity={}", role, role, job, identity, error);
    return new Failed("Error", String.valueOf(error.getMessage()), "");
  }

  /** Refuses a request, logging who asked (by certificate) and about what. */
  Refused refuse(String role, String job, String identity, String dataset, String why) {
    log.warn(
        "refused {}={} identity={} dataset=\"{}\" reason=\"{}\"",
        role,
        job,
        identity,
        dataset,
        why);
    return new Refused(identity, dataset, why);
  }

  /** Where {@code peer} would write on {@code sink}, for refusals. */
  private static String clientRoot(SinkJob sink, NodeIdentity peer) {
    return org.zfleet.model.DatasetName.componentProblem(peer.name()) == null
        ? sink.rootFs().child(peer.name()).value()
        : sink.rootFs().value();
  }

  private static boolean validJob(String job) {
    try {
      JobKeys.requireValid(job);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
