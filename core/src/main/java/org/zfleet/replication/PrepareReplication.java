package org.zfleet.replication;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.cycle.StepSpec;
import org.zfleet.endpoint.Sender;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.zfs.ZfsException;

/**
 * Carries out a push job's {@link StepSpec.Prepare} before its replications: per destination, the
 * missing placeholders (one {@code zfs create} each, however many filesystems lie below), then one
 * {@code zfs hold} for the snapshots the cycle sends and one {@code zfs release} for those the
 * cursor has moved past (a few hundred snapshots per command). A snapshot that cannot be held
 * (destroyed since the listing) is logged; its filesystem's replication fails on its own. Holding
 * comes before releasing, so the incremental base is held throughout.
 */
final class PrepareReplication implements StepWork {

  private static final Logger log = LoggerFactory.getLogger(PrepareReplication.class);

  private final String job;
  private final StepSpec.Prepare spec;
  private final Endpoints endpoints;
  private final Map<String, ReplicationMarks> marks;

  PrepareReplication(
      String job, StepSpec.Prepare spec, Endpoints endpoints, Map<String, ReplicationMarks> marks) {
    this.job = job;
    this.spec = spec;
    this.endpoints = endpoints;
    this.marks = marks;
  }

  @Override
  public StepResult run(StepControl control) {
    Set<String> destinations = new LinkedHashSet<>(spec.placeholders().keySet());
    destinations.addAll(spec.hold().keySet());
    destinations.addAll(spec.release().keySet());
    int created = 0;
    int held = 0;
    int released = 0;
    for (String destination : destinations) {
      for (DatasetName placeholder : spec.placeholders().getOrDefault(destination, List.of())) {
        control.checkCancelled();
        control.progress().phase("creating placeholder " + placeholder);
        try {
          endpoints
              .receiver(destination)
              .createPlaceholder(placeholder, ReceiverLayout.placeholderProperties());
          created++;
        } catch (ZfsException.AlreadyExists e) {
          // Made since the listing: what we want.
        }
      }
      String tag = marks.get(destination).cursorHoldTag();
      Sender sender = endpoints.sender(destination);
      StepSpec.Prepare.Snapshots toHold = spec.hold().get(destination);
      if (toHold != null) {
        control.checkCancelled();
        control.progress().phase("holding " + toHold.count() + " snapshot(s) for " + destination);
        Map<SnapshotName, String> failed = new LinkedHashMap<>();
        toHold
            .recursive()
            .forEach(
                (root, members) -> {
                  try {
                    sender.holdRecursive(tag, root);
                  } catch (ZfsException e) {
                    // One of them held already (a failed step's), or no recursive hold here: one by
                    // one.
                    failed.putAll(sender.holdAll(tag, members));
                  }
                });
        failed.putAll(sender.holdAll(tag, toHold.each()));
        held += toHold.count() - failed.size();
        failed.forEach(
            (s, why) ->
                log.warn(
                    "could not hold job={} snapshot=\"{}\" tag={} reason=\"{}\"",
                    job,
                    s,
                    tag,
                    why));
      }
      StepSpec.Prepare.Snapshots toRelease = spec.release().get(destination);
      if (toRelease != null) {
        control.checkCancelled();
        control
            .progress()
            .phase("releasing " + toRelease.count() + " snapshot(s) for " + destination);
        Map<SnapshotName, String> failed = new LinkedHashMap<>();
        toRelease
            .recursive()
            .forEach(
                (root, members) -> {
                  try {
                    sender.releaseRecursive(tag, root);
                  } catch (ZfsException e) {
                    failed.putAll(sender.releaseAll(tag, members));
                  }
                });
        failed.putAll(sender.releaseAll(tag, toRelease.each()));
        released += toRelease.count() - failed.size();
        failed.forEach(
            (s, why) ->
                log.warn(
                    "could not release job={} snapshot=\"{}\" tag={} reason=\"{}\" (tried again"
                        + " next cycle)",
                    job,
                    s,
                    tag,
                    why));
      }
      control.progress().tick();
    }
    return StepResult.of(
        "created "
            + created
            + " placeholder(s), held "
            + held
            + " snapshot(s), released "
            + released);
  }
}
