package org.zfleet.replication;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.cycle.StepSpec;
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
      List<SnapshotName> toHold = spec.hold().getOrDefault(destination, List.of());
      if (!toHold.isEmpty()) {
        control.checkCancelled();
        control.progress().phase("holding " + toHold.size() + " snapshot(s) for " + destination);
        Map<SnapshotName, String> failed = endpoints.sender(destination).holdAll(tag, toHold);
        held += toHold.size() - failed.size();
        failed.forEach(
            (s, why) ->
                log.warn(
                    "could not hold job={} snapshot=\"{}\" tag={} reason=\"{}\"",
                    job,
                    s,
                    tag,
                    why));
      }
      List<SnapshotName> toRelease = spec.release().getOrDefault(destination, List.of());
      if (!toRelease.isEmpty()) {
        control.checkCancelled();
        control
            .progress()
            .phase("releasing " + toRelease.size() + " snapshot(s) for " + destination);
        Map<SnapshotName, String> failed = endpoints.sender(destination).releaseAll(tag, toRelease);
        released += toRelease.size() - failed.size();
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
