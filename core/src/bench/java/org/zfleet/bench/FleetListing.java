package org.zfleet.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.zfleet.config.GridSpec;
import org.zfleet.config.KeepRule;
import org.zfleet.config.Pruning;
import org.zfleet.config.Snapshotting;
import org.zfleet.cycle.CycleSettings;
import org.zfleet.cycle.CycleStart;
import org.zfleet.cycle.Destination;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.ReplicaDataset;
import org.zfleet.cycle.SenderFilesystem;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.InitialReplication;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.plan.ReceiverState;
import org.zfleet.schedule.SnapshotNaming;

/**
 * A push job's listing at fleet scale: {@code filesystems} nested filesystems (a root, 100 parents,
 * the rest children), each with {@code snapshots} hourly snapshots on the sender and all but the
 * newest on the sink, the cursor on the one before the newest: each filesystem has one increment to
 * send and its history to prune. The version lists of all filesystems are distinct lists of equal
 * values, as a listing makes them.
 */
final class FleetListing {

  static final String SINK = "sink";
  static final SnapshotNaming NAMING = new SnapshotNaming("zfleet_");
  static final Instant NEWEST = Instant.parse("2026-11-28T12:00:00Z");

  private FleetListing() {}

  static CycleSettings settings() {
    Pruning sender =
        new Pruning(
            List.of(new KeepRule.NotReplicated(), new KeepRule.LastN(24, Optional.empty())),
            Pruning.Scope.OWN);
    String grid = "1x1h(keep=all) | 24x1h | 30x1d | 12x30d";
    Pruning receiver =
        new Pruning(
            List.of(new KeepRule.Grid(GridSpec.parse(grid), Pattern.compile("^zfleet_"), grid)),
            Pruning.Scope.OWN);
    return new CycleSettings(
        CycleSettings.Kind.PUSH,
        "fleet",
        "n1",
        List.of(SINK),
        new Snapshotting.Periodic("zfleet_", Duration.ofHours(1), List.of()),
        Optional.of(sender),
        Optional.of(receiver),
        InitialReplication.MOST_RECENT,
        Optional.empty());
  }

  static CycleStart start() {
    return new CycleStart(NEWEST, Optional.of(NAMING.name(NEWEST)));
  }

  /** Hourly snapshots, oldest first, with guids distinct per filesystem. */
  static List<FilesystemVersion> history(int snapshots, long salt) {
    List<FilesystemVersion> versions = new ArrayList<>(snapshots);
    for (int i = 0; i < snapshots; i++) {
      Instant at = NEWEST.minus(Duration.ofHours(snapshots - 1 - i));
      versions.add(FilesystemVersion.snapshot(NAMING.name(at), salt * 1_000_003L + i + 1, 10L * (i + 1), at));
    }
    return versions;
  }

  static List<DatasetName> names(int filesystems) {
    List<DatasetName> names = new ArrayList<>(filesystems);
    DatasetName root = DatasetName.of("tank/fleet");
    names.add(root);
    int parents = Math.min(100, Math.max(1, filesystems / 100));
    for (int p = 0; p < parents && names.size() < filesystems; p++) {
      names.add(root.child("p" + p));
    }
    for (int c = 0; names.size() < filesystems; c++) {
      names.add(root.child("p" + (c % parents)).child("c" + c));
    }
    return names;
  }

  static JobListing listing(int filesystems, int snapshots) {
    ReceiverLayout layout = new ReceiverLayout(DatasetName.of("backup/sink"), "n1");
    List<SenderFilesystem> senders = new ArrayList<>(filesystems);
    Map<DatasetName, ReplicaDataset> replicas = new HashMap<>();
    Set<DatasetName> replicated = new HashSet<>();
    long salt = 0;
    for (DatasetName fs : names(filesystems)) {
      List<FilesystemVersion> history = history(snapshots, ++salt);
      FilesystemVersion cursor = history.get(history.size() - 2);
      senders.add(
          new SenderFilesystem(
              fs,
              history,
              Map.of(
                  SINK,
                  new SenderFilesystem.Marks(
                      Optional.of(Long.toUnsignedString(cursor.guid())), Optional.empty())),
              Set.of(cursor.name())));
      DatasetName target = layout.receiverPath(fs);
      replicas.put(
          target,
          new ReplicaDataset(
              target,
              history.subList(0, history.size() - 1),
              Optional.of(ReceiverState.ROLE_REPLICA)));
      replicated.add(fs);
    }
    replicas.put(
        layout.clientRoot(),
        new ReplicaDataset(layout.clientRoot(), List.of(), Optional.of(ReceiverState.ROLE_PLACEHOLDER)));
    return new JobListing(
        Optional.empty(),
        Optional.of("zfleet_"),
        senders,
        List.of(new Destination.Reachable(SINK, layout, replicas)),
        replicated,
        Set.of(DatasetName.of("tank/fleet")));
  }
}
