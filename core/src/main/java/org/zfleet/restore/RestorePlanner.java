package org.zfleet.restore;

import java.util.List;
import java.util.Optional;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.InitialReplication;
import org.zfleet.plan.Plan;
import org.zfleet.plan.PlanOptions;
import org.zfleet.plan.Planner;
import org.zfleet.plan.ReceiverState;

/**
 * Plans a restore with the replication planner. Pure.
 *
 * <ul>
 *   <li>An absent target gets a full send of the snapshot: the newest data first, nothing older.
 *   <li>An existing target is caught up only if its newest snapshot is one the replica has (same
 *       guid: the same lineage) and older than the snapshot asked for; the snapshots in between
 *       come along. Anything else (a target without snapshots, of another lineage, or with
 *       snapshots newer than the common one) is refused: a restore never overwrites, rolls back or
 *       destroys.
 * </ul>
 */
public final class RestorePlanner {

  private RestorePlanner() {}

  /**
   * @param replica the replica's snapshots, oldest first
   * @param snapshot the snapshot to restore, one of {@code replica}
   * @param target the target dataset
   * @param targetVersions the target's versions, or empty if it does not exist
   */
  public static RestorePlan plan(
      List<FilesystemVersion> replica,
      FilesystemVersion snapshot,
      DatasetName target,
      Optional<List<FilesystemVersion>> targetVersions) {
    if (replica.stream().noneMatch(v -> v.guid() == snapshot.guid())) {
      throw new IllegalArgumentException(snapshot + " is not a snapshot of the replica");
    }
    // Nothing after the snapshot asked for is sent.
    List<FilesystemVersion> upTo =
        replica.stream()
            .filter(FilesystemVersion::isSnapshot)
            .filter(v -> v.createTxg() <= snapshot.createTxg())
            .toList();
    if (targetVersions.isEmpty()) {
      Plan plan =
          Planner.plan(
              upTo,
              List.of(),
              PlanOptions.defaults()
                  .withInitialReplication(InitialReplication.MOST_RECENT)
                  .withReceiverState(ReceiverState.ABSENT));
      return new RestorePlan.Sends(((Plan.Steps) plan).steps(), true);
    }
    List<FilesystemVersion> existing =
        targetVersions.get().stream().filter(FilesystemVersion::isSnapshot).toList();
    if (existing.stream().anyMatch(v -> v.guid() == snapshot.guid())
        && existing.get(existing.size() - 1).guid() == snapshot.guid()) {
      return new RestorePlan.AlreadyThere(snapshot);
    }
    String exists = target + " already exists";
    if (existing.isEmpty()) {
      return new RestorePlan.Refused(
          exists + " and has no snapshot; a restore writes only into a new dataset");
    }
    FilesystemVersion newest = existing.get(existing.size() - 1);
    boolean newerOfLineage =
        replica.stream()
            .anyMatch(v -> v.guid() == newest.guid() && v.createTxg() > snapshot.createTxg());
    if (newerOfLineage) {
      return new RestorePlan.Refused(
          exists
              + " and holds @"
              + newest.name()
              + ", newer than @"
              + snapshot.name()
              + "; a restore never rolls back (nothing is changed)");
    }
    Plan plan =
        Planner.plan(
            upTo, existing, PlanOptions.defaults().withReceiverState(ReceiverState.REPLICA));
    if (plan instanceof Plan.Steps steps && steps.steps().get(0).from().isPresent()) {
      return new RestorePlan.Sends(steps.steps(), false);
    }
    if (plan instanceof Plan.Conflict conflict) {
      return new RestorePlan.Refused(
          exists + " and cannot be caught up: " + conflict.message() + " (nothing is changed)");
    }
    return new RestorePlan.Refused(
        exists
            + " and holds @"
            + existing.get(existing.size() - 1).name()
            + ", which is not older than @"
            + snapshot.name()
            + " of the same lineage (nothing is changed)");
  }
}
