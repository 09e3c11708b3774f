package org.zfleet.node.health;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.zfleet.config.JobConfig;
import org.zfleet.config.PullJob;
import org.zfleet.config.PushJob;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ZfsPort;

/**
 * Freshness without a daemon: what the data-dir's state file kept, and for push jobs what ZFS says
 * now: each selected filesystem's replication cursor {@code zfleet:cursor.<job>.<sink>} names the
 * newest snapshot the sink holds, and that snapshot's creation is its age. The newer of the two
 * wins. A pull job's cursor lives on its source, so pulls rely on the state file alone.
 */
public final class OfflineFreshness {

  private OfflineFreshness() {}

  /** The replicas of {@code jobs} (push and pull) as the state file and ZFS know them. */
  public static List<ReplicaRecord> read(
      List<JobConfig> jobs, List<ReplicaRecord> saved, Optional<ZfsPort> zfs) {
    Map<String, ReplicaRecord> byKey = new HashMap<>();
    Set<String> wanted = new HashSet<>();
    for (JobConfig job : jobs) {
      if (job instanceof PushJob push) {
        push.sinks().forEach(s -> wanted.add(job.name() + "\u0000" + s));
      } else if (job instanceof PullJob pull) {
        wanted.add(job.name() + "\u0000" + pull.source());
      }
    }
    for (ReplicaRecord r : saved) {
      if (wanted.contains(r.job() + "\u0000" + r.destination())) {
        byKey.put(r.key(), r);
      }
    }
    if (zfs.isPresent()) {
      for (JobConfig job : jobs) {
        if (job instanceof PushJob push) {
          fromCursors(push, zfs.get(), byKey);
        }
      }
    }
    return new ArrayList<>(byKey.values());
  }

  private static void fromCursors(PushJob push, ZfsPort zfs, Map<String, ReplicaRecord> byKey) {
    Map<String, ReplicationMarks> marks = new HashMap<>();
    Set<String> properties = new HashSet<>();
    for (String sink : push.sinks()) {
      ReplicationMarks m = ReplicationMarks.of(push.name(), sink);
      marks.put(sink, m);
      // The legacy names too: a cursor an earlier version wrote still tells where the replica is.
      properties.addAll(m.listedProperties());
    }
    for (DatasetListing fs : zfs.list(push.filesystems().roots(), properties)) {
      if (!push.filesystems().selects(fs.name())) {
        continue;
      }
      for (Map.Entry<String, ReplicationMarks> p : marks.entrySet()) {
        String sink = p.getKey();
        ReplicaRecord known =
            byKey.getOrDefault(
                ReplicaRecord.unknown(push.name(), fs.name().value(), sink).key(),
                ReplicaRecord.unknown(push.name(), fs.name().value(), sink));
        Optional<FilesystemVersion> cursor =
            p.getValue()
                .cursorIn(fs.properties())
                .flatMap(
                    guid ->
                        fs.versions().stream()
                            .filter(FilesystemVersion::isSnapshot)
                            .filter(v -> Long.toUnsignedString(v.guid()).equals(guid.strip()))
                            .findFirst());
        if (cursor.isPresent()
            && (known.snapshotCreated().isEmpty()
                || cursor.get().creation().isAfter(known.snapshotCreated().get()))) {
          known =
              new ReplicaRecord(
                  known.job(),
                  known.filesystem(),
                  known.destination(),
                  Optional.of(cursor.get().name()),
                  Optional.of(cursor.get().creation()),
                  known.lastSuccess(),
                  known.lastOutcome(),
                  known.lastReason(),
                  known.lastAttempt());
        }
        byKey.put(known.key(), known);
      }
    }
  }
}
