package org.zfleet.node.remote;

import org.zfleet.job.StepId;
import org.zfleet.job.StepWork;
import org.zfleet.node.dataplane.TransferRunner;

/**
 * Runs the transfers other nodes ask of this one (a sink's receive, a source's send) as steps of
 * this node: under its watchdog and transfer gate, shown in its status with the peer. {@link
 * PeerTransfers} is the daemon's.
 */
@FunctionalInterface
public interface PeerSteps {

  /** Runs {@code work} as step {@code id} for {@code peer} once the node's gate lets it. */
  TransferRunner.Running run(StepId id, String peer, StepWork work);
}
