package org.zfleet.node.remote;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.config.JobConfig;
import org.zfleet.model.DatasetName;
import org.zfleet.node.dataplane.Authorization;
import org.zfleet.node.dataplane.Authorizer;
import org.zfleet.node.dataplane.ReceiveHook;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.ZfsPort;

/**
 * The data plane's view of the restores this node runs: a stream is accepted only when a restore
 * asked a sink for exactly it (a random id in the header's job field, the sink's node as its
 * certificate names it, the target), once; it is received as a restore ({@link
 * ReceiveRequest#restore}: never {@code -F}, an ordinary filesystem afterwards). Anything else is
 * refused.
 */
public final class RestoreDataPlane implements Authorizer, ReceiveHook {

  /** What the header's job field of a restore stream starts with. */
  static final String PREFIX = JobConfig.RESERVED_PREFIX;

  private static final Logger log = LoggerFactory.getLogger(RestoreDataPlane.class);

  private final String node;
  private final ZfsPort zfs;
  private final Map<String, Expected> expected = new ConcurrentHashMap<>();

  /** One stream a restore waits for; {@link #withdraw()} once it no longer does. */
  public final class Expected extends ExpectedStream {
    final String id = PREFIX + UUID.randomUUID();
    private final String sink;
    private final DatasetName target;

    private Expected(String sink, DatasetName target, ProgressListener listener) {
      super(listener);
      this.sink = sink;
      this.target = target;
    }

    @Override
    public void withdraw() {
      expected.remove(id, this);
    }
  }

  public RestoreDataPlane(String node, ZfsPort zfs) {
    this.node = node;
    this.zfs = zfs;
  }

  /** Expects one stream from node {@code sink} into {@code target}. */
  public Expected expect(String sink, DatasetName target, ProgressListener listener) {
    Objects.requireNonNull(listener, "listener");
    Expected e = new Expected(sink, target, listener);
    expected.put(e.id, e);
    return e;
  }

  /** Whether {@code header} is meant for a restore (and so for this plane alone). */
  boolean handles(TransferHeader header) {
    return header.job().startsWith(PREFIX);
  }

  @Override
  public Authorization authorize(NodeIdentity peer, TransferHeader header) {
    Expected e = expected.get(header.job());
    String problem = null;
    if (header.kind() != TransferHeader.Kind.RECEIVE || header.force()) {
      problem = "a restore on node " + node + " receives streams without -F only";
    } else if (e == null) {
      problem = "no restore on node " + node + " expects this stream";
    } else if (!e.sink.equals(peer.name()) || !e.target.equals(header.target())) {
      problem =
          "the restore expects "
              + e.target
              + " from node "
              + e.sink
              + ", not "
              + header.target()
              + " from "
              + peer.name();
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
    Expected e = expected.get(header.job());
    if (e == null || !e.claimed() || !e.sink.equals(peer.name())) {
      throw new IllegalStateException("no restore on node " + node + " expects this stream");
    }
    return zfs.receive(ReceiveRequest.restore(e.target));
  }

  @Override
  public ProgressListener progress(NodeIdentity peer, TransferHeader header) {
    Expected e = expected.get(header.job());
    if (e == null) {
      return ProgressListener.NONE;
    }
    return e.progress();
  }

  @Override
  public void started(NodeIdentity peer, TransferHeader header, RunningTransfer transfer) {
    Expected e = expected.get(header.job());
    if (e != null) {
      e.started(transfer);
    }
  }
}
