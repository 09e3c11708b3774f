package org.zfleet.replication;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.zfleet.cycle.ReplicaDataset;
import org.zfleet.cycle.SenderFilesystem;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.ReceiverState;
import org.zfleet.zfs.DatasetListing;

/** Turns what a port listed into the planner's values. */
final class ListingValues {

  private ListingValues() {}

  /**
   * Sender filesystems with, per destination, the marks zfleet wrote for it: the cursor through
   * {@link ReplicationMarks#cursorIn} (so one an earlier version wrote is found), and what is left
   * in the legacy form to retire.
   */
  static List<SenderFilesystem> senders(
      List<DatasetListing> listed, Map<String, ReplicationMarks> marks) {
    return listed.stream()
        .map(
            d -> {
              Map<String, SenderFilesystem.Marks> found = new LinkedHashMap<>();
              marks.forEach(
                  (destination, m) ->
                      found.put(
                          destination,
                          new SenderFilesystem.Marks(
                              m.cursorIn(d.properties()),
                              Optional.ofNullable(d.properties().get(m.stepProperty())),
                              m.legacyIn(d.properties()),
                              d.versions().stream()
                                  .filter(v -> !v.isSnapshot() && m.isCursorBookmark(v.name()))
                                  .map(FilesystemVersion::name)
                                  .toList())));
              Set<String> held = new HashSet<>();
              d.versionProperties()
                  .forEach(
                      (snapshot, props) -> {
                        if (props.containsKey(DatasetListing.USERREFS)) {
                          held.add(snapshot);
                        }
                      });
              return new SenderFilesystem(d.name(), d.versions(), found, held);
            })
        .toList();
  }

  /** A receiver's datasets by name, each with its local role. */
  static Map<DatasetName, ReplicaDataset> replicas(List<DatasetListing> listed) {
    Map<DatasetName, ReplicaDataset> datasets = new LinkedHashMap<>();
    for (DatasetListing d : listed) {
      datasets.put(
          d.name(),
          new ReplicaDataset(
              d.name(),
              d.versions(),
              Optional.ofNullable(d.properties().get(ReceiverState.ROLE_PROPERTY)),
              d.holdsPartialReceive(),
              d.inertReplica()));
    }
    return datasets;
  }
}
