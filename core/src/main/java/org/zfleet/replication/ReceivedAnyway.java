package org.zfleet.replication;

import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.cycle.ReplicationPlan;
import org.zfleet.endpoint.Receiver;
import org.zfleet.model.DatasetName;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.plan.ReceiverState;
import org.zfleet.plan.Step;

/**
 * A first receive that failed may still have been committed: zfs-fuse receives in its daemon, which
 * goes on reading the stream when the {@code zfs receive} process is stopped or killed, and any ZFS
 * can commit just before its process is killed. The new dataset then lacks the replica role, which
 * is set once the process has exited, and would be taken for someone else's dataset for ever. It
 * holds the very snapshot the step sent (same guid), so it is zfleet's: mark it.
 */
final class ReceivedAnyway {

  private static final Logger log = LoggerFactory.getLogger(ReceivedAnyway.class);

  private final Receiver receiver;
  private final ReplicationPlan plan;

  ReceivedAnyway(Receiver receiver, ReplicationPlan plan) {
    this.receiver = receiver;
    this.plan = plan;
  }

  void markIfReceived(Step step) {
    if (step.flag() != Step.Flag.FULL || plan.receiverState() != ReceiverState.ABSENT) {
      return;
    }
    DatasetName target = plan.target();
    try {
      boolean received =
          receiver.list(Set.of(ReceiverState.ROLE_PROPERTY)).stream()
              .filter(d -> d.name().equals(target))
              .anyMatch(
                  d ->
                      !d.properties().containsKey(ReceiverState.ROLE_PROPERTY)
                          && d.versions().stream()
                              .anyMatch(v -> v.isSnapshot() && v.guid() == step.to().guid()));
      if (received) {
        ReceiverLayout.replicaProperties()
            .forEach((k, v) -> receiver.setUserProperty(target.value(), k, v));
        log.warn(
            "a failed receive was committed anyway; marked it as a replica fs=\"{}\""
                + " target=\"{}\" snapshot=\"{}\"",
            plan.source(),
            target,
            step.to().relativeName());
      }
    } catch (RuntimeException e) {
      log.warn(
          "could not check a failed receive fs=\"{}\" target=\"{}\" reason=\"{}\"",
          plan.source(),
          target,
          e.getMessage());
    }
  }
}
