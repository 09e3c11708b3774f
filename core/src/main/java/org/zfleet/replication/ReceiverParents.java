package org.zfleet.replication;

import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.cycle.CyclePlanner;
import org.zfleet.cycle.ReplicaDataset;
import org.zfleet.cycle.ReplicationPlan;
import org.zfleet.endpoint.Receiver;
import org.zfleet.job.StepControl;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.plan.ReceiverState;
import org.zfleet.zfs.ZfsException;

/**
 * What a first receive needs above its target on the receiver: the nearest replicated ancestor
 * arrived (its own first receive runs in parallel, in another supervisor), then the placeholders
 * between, each made on its own and marked at its creation. The listing may predate either, so the
 * receiver is asked again.
 */
final class ReceiverParents {

  private static final Logger log = LoggerFactory.getLogger(ReceiverParents.class);

  private final Receiver receiver;
  private final ReplicationPlan plan;

  ReceiverParents(Receiver receiver, ReplicationPlan plan) {
    this.receiver = receiver;
    this.plan = plan;
  }

  /** Waits (fails with an expected wait) until the replicated ancestor has arrived. */
  void requireReplicatedAncestor() {
    if (plan.awaitParent().isEmpty()) {
      return;
    }
    DatasetName ancestor = plan.awaitParent().get();
    ReplicaDataset found = datasets().get(ancestor);
    if (!CyclePlanner.arrived(found)) {
      throw new ParentNotReceivedYet(
          "waiting for "
              + ancestor
              + " to be received first (the replication of "
              + senderOf(ancestor)
              + " creates it"
              + (found == null ? ")" : "; it exists without zfleet's role and snapshots)"));
    }
  }

  /**
   * Creates the placeholders still missing, parents first. Each is created on its own with its role
   * (a placeholder made by another filesystem's step meanwhile is fine).
   */
  void createPlaceholders(StepControl control) {
    for (DatasetName placeholder : plan.placeholders()) {
      control.checkCancelled();
      control.progress().phase("creating placeholder " + placeholder);
      try {
        receiver.createPlaceholder(placeholder, ReceiverLayout.placeholderProperties());
      } catch (ZfsException.AlreadyExists e) {
        // Another filesystem's step made it first.
      }
    }
  }

  /**
   * A full step planned into an absent target failed because the target now exists: a nested
   * filesystem's replication (or another job's) created it as an empty placeholder meanwhile.
   */
  boolean targetBecameEmptyPlaceholder() {
    try {
      ReplicaDataset target = datasets().get(plan.target());
      boolean empty =
          target != null
              && ReceiverState.of(true, target.role()) == ReceiverState.PLACEHOLDER
              && target.versions().stream().noneMatch(FilesystemVersion::isSnapshot);
      if (empty) {
        log.info(
            "target became a placeholder; receiving into it fs=\"{}\" target=\"{}\"",
            plan.source(),
            plan.target());
      }
      return empty;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Map<DatasetName, ReplicaDataset> datasets() {
    return ListingValues.replicas(receiver.list(Set.of(ReceiverState.ROLE_PROPERTY)));
  }

  /** The receiver path mirrors the sender's: the ancestor's sender filesystem, by depth. */
  private String senderOf(DatasetName ancestor) {
    DatasetName sender = plan.source();
    for (int up = plan.target().depth() - ancestor.depth(); up > 0; up--) {
      sender = sender.parent().orElse(sender);
    }
    return sender.value();
  }
}
