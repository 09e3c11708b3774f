package org.zfleet.node.remote;

import java.util.Set;
import org.zfleet.node.dataplane.Authorization;
import org.zfleet.node.dataplane.Authorizer;
import org.zfleet.node.dataplane.ReceiveHook;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.zfs.ReceiveProcess;

/** Every stream this node receives: a pull job's (by the header's job name), else a sink's. */
public final class NodeDataPlane implements Authorizer, ReceiveHook {

  private final SinkDataPlane sinks;
  private final PullDataPlane pulls;
  private final Set<String> pullJobs;

  public NodeDataPlane(SinkDataPlane sinks, PullDataPlane pulls, Set<String> pullJobs) {
    this.sinks = sinks;
    this.pulls = pulls;
    this.pullJobs = Set.copyOf(pullJobs);
  }

  private boolean pulled(TransferHeader header) {
    return pullJobs.contains(header.job());
  }

  @Override
  public Authorization authorize(NodeIdentity peer, TransferHeader header) {
    return pulled(header) ? pulls.authorize(peer, header) : sinks.authorize(peer, header);
  }

  @Override
  public ReceiveProcess open(NodeIdentity peer, TransferHeader header) {
    return pulled(header) ? pulls.open(peer, header) : sinks.open(peer, header);
  }

  @Override
  public ProgressListener progress(NodeIdentity peer, TransferHeader header) {
    return pulled(header) ? pulls.progress(peer, header) : sinks.progress(peer, header);
  }

  @Override
  public void started(NodeIdentity peer, TransferHeader header, RunningTransfer transfer) {
    if (pulled(header)) {
      pulls.started(peer, header, transfer);
    } else {
      sinks.started(peer, header, transfer);
    }
  }
}
