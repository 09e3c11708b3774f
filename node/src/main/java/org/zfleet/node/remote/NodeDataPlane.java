package org.zfleet.node.remote;

import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.zfleet.job.StepId;
import org.zfleet.job.StepKind;
import org.zfleet.job.StepWork;
import org.zfleet.node.dataplane.Authorization;
import org.zfleet.node.dataplane.Authorizer;
import org.zfleet.node.dataplane.ReceiveHook;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.dataplane.TransferRunner;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.ReceiveProcess;

/**
 * Every stream this node receives: a restore's (by the header's restore id), a pull job's (by the
 * header's job name), else a sink's. A sink's receive runs as a step of this node ({@link
 * PeerSteps}); a pull's or a restore's is part of work that asked for it, and runs at once.
 */
public final class NodeDataPlane implements Authorizer, ReceiveHook, TransferRunner {

  private final SinkDataPlane sinks;
  private final PullDataPlane pulls;
  private final RestoreDataPlane restores;
  private final Set<String> pullJobs;
  private final PeerSteps steps;
  private final TransferRunner direct;
  private final AtomicLong attempts = new AtomicLong();

  public NodeDataPlane(
      SinkDataPlane sinks,
      PullDataPlane pulls,
      RestoreDataPlane restores,
      Set<String> pullJobs,
      PeerSteps steps,
      Executor blocking) {
    this.sinks = sinks;
    this.pulls = pulls;
    this.restores = restores;
    this.pullJobs = Set.copyOf(pullJobs);
    this.steps = steps;
    this.direct =
        TransferRunner.permits(new java.util.concurrent.Semaphore(Integer.MAX_VALUE), blocking);
  }

  private boolean pulled(TransferHeader header) {
    return pullJobs.contains(header.job());
  }

  /** The part of this node a stream is for: a restore, a pull or a sink. */
  private Authorizer authorizerOf(TransferHeader header) {
    return restores.handles(header) ? restores : pulled(header) ? pulls : sinks;
  }

  private ReceiveHook hookOf(TransferHeader header) {
    return restores.handles(header) ? restores : pulled(header) ? pulls : sinks;
  }

  @Override
  public Authorization authorize(NodeIdentity peer, TransferHeader header) {
    return authorizerOf(header).authorize(peer, header);
  }

  @Override
  public ReceiveProcess open(NodeIdentity peer, TransferHeader header) {
    return hookOf(header).open(peer, header);
  }

  @Override
  public ProgressListener progress(NodeIdentity peer, TransferHeader header) {
    return hookOf(header).progress(peer, header);
  }

  @Override
  public TransferOptions options(
      NodeIdentity peer, TransferHeader header, TransferOptions defaults) {
    return hookOf(header).options(peer, header, defaults);
  }

  @Override
  public void started(NodeIdentity peer, TransferHeader header, RunningTransfer transfer) {
    hookOf(header).started(peer, header, transfer);
  }

  @Override
  public Running run(NodeIdentity peer, TransferHeader header, StepWork work) {
    if (restores.handles(header) || pulled(header)) {
      return direct.run(peer, header, work);
    }
    StepId id =
        new StepId(
            header.job(),
            header.target().value(),
            StepKind.RECEIVE,
            peer.name(),
            attempts.incrementAndGet());
    return steps.run(id, peer.name(), work);
  }
}
