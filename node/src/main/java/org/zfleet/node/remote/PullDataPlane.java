package org.zfleet.node.remote;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.endpoint.LocalReceiver;
import org.zfleet.model.DatasetName;
import org.zfleet.node.dataplane.Authorization;
import org.zfleet.node.dataplane.Authorizer;
import org.zfleet.node.dataplane.ReceiveHook;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.transfer.BandwidthLimit;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.ZfsPort;

/**
 * The data plane's view of this node's pull jobs: a stream is accepted only when a pull step asked
 * its source for exactly it (the source's node as its certificate names it, the pull job, the
 * target and the {@code -F} flag), once, and it is received as a replica below {@code
 * <root-fs>/<source node>}. Anything else is refused.
 */
public final class PullDataPlane implements Authorizer, ReceiveHook {

  private static final Logger log = LoggerFactory.getLogger(PullDataPlane.class);

  private final String node;
  private final ZfsPort zfs;
  private final Transfers transfers;
  private final Map<DatasetName, Expected> expected = new ConcurrentHashMap<>();

  /** One stream a pull step waits for; {@link #withdraw()} once the step no longer does. */
  public final class Expected extends ExpectedStream {
    private final String source;
    private final String job;
    private final DatasetName rootFs;
    private final ReceiveRequest receive;
    private final Optional<BandwidthLimit> limit;

    private Expected(
        String source,
        String job,
        DatasetName rootFs,
        ReceiveRequest receive,
        Optional<BandwidthLimit> limit,
        ProgressListener listener) {
      super(listener);
      this.source = source;
      this.job = job;
      this.rootFs = rootFs;
      this.receive = receive;
      this.limit = limit;
    }

    @Override
    public void withdraw() {
      expected.remove(receive.target(), this);
    }
  }

  public PullDataPlane(String node, ZfsPort zfs, Transfers transfers) {
    this.node = node;
    this.zfs = zfs;
    this.transfers = transfers;
  }

  /**
   * Expects one stream from {@code source} for pull job {@code job}, received as the pull step's
   * {@code receive} says (its target, which must lie below {@code rootFs/source}, {@code -F}, and
   * what this node's own listing knew of the target); a second expectation for the same target
   * fails. It is received resumably ({@code -s}) where the step asked and this node's ZFS can, and
   * read off the connection no faster than the pull job's {@code limit}: the source's send slows to
   * it through the connection's flow control.
   */
  public Expected expect(
      String source,
      String job,
      DatasetName rootFs,
      ReceiveRequest receive,
      Optional<BandwidthLimit> limit,
      ProgressListener listener) {
    Objects.requireNonNull(listener, "listener");
    DatasetName target = receive.target();
    DatasetName root = rootFs.child(source);
    if (!target.isWithin(root) || target.equals(root)) {
      throw new IllegalArgumentException(
          "a pull from node " + source + " receives below " + root + ", not into " + target);
    }
    Expected e = new Expected(source, job, rootFs, receive, limit, listener);
    if (expected.putIfAbsent(target, e) != null) {
      throw new IllegalStateException("a stream into " + target + " is already expected");
    }
    return e;
  }

  @Override
  public Authorization authorize(NodeIdentity peer, TransferHeader header) {
    Expected e = expected.get(header.target());
    String problem = null;
    if (header.kind() != TransferHeader.Kind.RECEIVE) {
      problem = "node " + node + " only receives streams";
    } else if (e == null) {
      problem = "no pull job of node " + node + " expects a stream into " + header.target();
    } else if (!e.source.equals(peer.name()) || !e.job.equals(header.job())) {
      problem =
          "pull job "
              + e.job
              + " expects "
              + header.target()
              + " from node "
              + e.source
              + ", not from "
              + peer.name()
              + " for job "
              + header.job();
    } else if (e.receive.force() != header.force()) {
      problem =
          "pull job "
              + e.job
              + " expects "
              + header.target()
              + (e.receive.force() ? " with" : " without")
              + " -F";
    } else if (!e.claim()) {
      problem = "the stream into " + header.target() + " has already arrived";
    }
    if (problem != null) {
      log.warn(
          "refused stream identity={} dataset=\"{}\" reason=\"{}\"",
          peer.name(),
          header.target(),
          problem);
      return Authorization.refused(problem);
    }
    return Authorization.allowed();
  }

  @Override
  public ReceiveProcess open(NodeIdentity peer, TransferHeader header) {
    Expected e = expected.get(header.target());
    if (e == null || !e.claimed() || !e.source.equals(peer.name())) {
      throw new IllegalStateException(
          "no pull job of node " + node + " expects a stream into " + header.target());
    }
    LocalReceiver receiver =
        new LocalReceiver(zfs, e.job, e.rootFs, Set.of(e.source), e.source, transfers);
    // As this node's pull step asked, never as the source's header says.
    return receiver.receive(e.receive.resumableIf(zfs.capabilities().resumableReceive()));
  }

  @Override
  public ProgressListener progress(NodeIdentity peer, TransferHeader header) {
    Expected e = expected.get(header.target());
    if (e == null) {
      return ProgressListener.NONE;
    }
    return e.progress();
  }

  @Override
  public TransferOptions options(
      NodeIdentity peer, TransferHeader header, TransferOptions defaults) {
    Expected e = expected.get(header.target());
    return e == null || e.limit.isEmpty() ? defaults : defaults.withBandwidthLimit(e.limit.get());
  }

  @Override
  public void started(NodeIdentity peer, TransferHeader header, RunningTransfer transfer) {
    Expected e = expected.get(header.target());
    if (e != null) {
      e.started(transfer);
    }
  }
}
