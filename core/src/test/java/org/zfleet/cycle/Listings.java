package org.zfleet.cycle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.zfleet.config.KeepRule;
import org.zfleet.config.Pruning;
import org.zfleet.config.Snapshotting;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.InitialReplication;
import org.zfleet.plan.Plan;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.prune.PruneOutcome;
import org.zfleet.prune.SnapshotDecision;

/**
 * A compact notation for the planner's tables. Version lists are space-separated snapshot names
 * ({@code "@a @b"}) oldest first, one minute apart from {@link #EPOCH}; a snapshot's guid derives
 * from its name, so the same name on both sides is the same snapshot. A cycle's steps render one a
 * line, e.g. {@code "replicate sink: -I @a @c"}, {@code "prune-sender sender: keep @a @c, destroy
 * @b"}.
 */
final class Listings {

  static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  /** A cycle that started after every snapshot of the tables. */
  static final CycleStart LATER = CycleStart.at(EPOCH.plus(Duration.ofDays(1)));

  static final DatasetName FS = DatasetName.of("pool/a");
  static final DatasetName SINK_ROOT = DatasetName.of("backup/sink");

  private Listings() {}

  static List<FilesystemVersion> versions(String specs) {
    return versions(specs, 10);
  }

  /** On a receiver: its own createtxg scale. */
  static List<FilesystemVersion> replicaVersions(String specs) {
    return versions(specs, 3);
  }

  private static List<FilesystemVersion> versions(String specs, int txgStep) {
    List<FilesystemVersion> out = new ArrayList<>();
    String[] names = specs.isBlank() ? new String[0] : specs.trim().split(" +");
    for (int i = 0; i < names.length; i++) {
      String name = names[i].substring(1);
      out.add(
          FilesystemVersion.snapshot(
              name, guid(name), (long) (i + 1) * txgStep, EPOCH.plusSeconds(60L * i)));
    }
    return out;
  }

  static long guid(String name) {
    return name.hashCode() * 0x9E3779B97F4A7C15L;
  }

  static SenderFilesystem sender(DatasetName fs, String versions, Map<String, String> cursors) {
    Map<String, SenderFilesystem.Marks> marks = new LinkedHashMap<>();
    cursors.forEach(
        (dest, snapshot) ->
            marks.put(
                dest,
                new SenderFilesystem.Marks(
                    Optional.of(Long.toUnsignedString(guid(snapshot.substring(1)))),
                    Optional.empty())));
    return new SenderFilesystem(fs, versions(versions), marks);
  }

  static Destination.Reachable sink(String name, Map<DatasetName, ReplicaDataset> datasets) {
    return new Destination.Reachable(name, new ReceiverLayout(SINK_ROOT, "n1"), datasets);
  }

  static ReplicaDataset replica(DatasetName senderFs, String versions) {
    return new ReplicaDataset(target(senderFs), replicaVersions(versions), Optional.of("replica"));
  }

  static DatasetName target(DatasetName senderFs) {
    return new ReceiverLayout(SINK_ROOT, "n1").receiverPath(senderFs);
  }

  static JobListing push(List<SenderFilesystem> filesystems, List<Destination> destinations) {
    return new JobListing(
        Optional.empty(),
        Optional.of("zf_"),
        filesystems,
        destinations,
        filesystems.stream().map(SenderFilesystem::name).collect(Collectors.toSet()));
  }

  static Pruning keep(KeepRule... rules) {
    return new Pruning(List.of(rules), Pruning.Scope.ALL);
  }

  static KeepRule lastN(int n) {
    return new KeepRule.LastN(n, Optional.empty());
  }

  static KeepRule notReplicated() {
    return new KeepRule.NotReplicated();
  }

  static CycleSettings pushSettings(Pruning sender, Pruning receiver, String... sinks) {
    return new CycleSettings(
        CycleSettings.Kind.PUSH,
        "push",
        "n1",
        List.of(sinks),
        new Snapshotting.Manual(Optional.of("zf_")),
        Optional.of(sender),
        Optional.of(receiver),
        InitialReplication.MOST_RECENT,
        Optional.empty());
  }

  static List<String> render(FilesystemCycle cycle) {
    return cycle.steps().stream().map(Listings::render).toList();
  }

  static String render(StepSpec spec) {
    if (spec instanceof StepSpec.Replicate r) {
      String heal = r.plan().healCursorTo().map(v -> ", cursor to " + v.relativeName()).orElse("");
      return "replicate " + r.destination() + ": " + render(r.plan().plan()) + heal;
    }
    if (spec instanceof StepSpec.Wait w) {
      return "wait " + w.destination() + ": " + w.reason();
    }
    if (spec instanceof StepSpec.PruneSender p) {
      return "prune-sender " + p.side() + ": " + render(p.outcome());
    }
    if (spec instanceof StepSpec.PruneReceiver p) {
      return "prune-receiver " + p.side() + ": " + render(p.outcome());
    }
    if (spec instanceof StepSpec.Snapshot s) {
      return "snapshot @" + s.name() + " of " + s.filesystems().size();
    }
    if (spec instanceof StepSpec.NoSnapshot n) {
      return "no snapshot: " + n.reason();
    }
    return spec.toString();
  }

  static String render(Plan plan) {
    if (plan instanceof Plan.UpToDate) {
      return "up-to-date";
    }
    if (plan instanceof Plan.Conflict c) {
      return "conflict " + c.reason();
    }
    return ((Plan.Steps) plan)
        .steps().stream()
            .map(
                s ->
                    s.flag().cli()
                        + (s.forceReceive() ? "!" : "")
                        + s.from().map(v -> " " + v.relativeName()).orElse("")
                        + " "
                        + s.to().relativeName())
            .collect(Collectors.joining(", "));
  }

  static String render(PruneOutcome outcome) {
    if (outcome instanceof PruneOutcome.Refused refused) {
      return "refused " + refused.reason();
    }
    List<SnapshotDecision> decisions = ((PruneOutcome.Evaluated) outcome).decisions();
    String keep = names(decisions, SnapshotDecision.Keep.class);
    String destroy = names(decisions, SnapshotDecision.Destroy.class);
    return "keep" + keep + (destroy.isEmpty() ? "" : ", destroy" + destroy);
  }

  private static String names(List<SnapshotDecision> decisions, Class<?> kind) {
    return decisions.stream()
        .filter(kind::isInstance)
        .map(d -> " " + d.version().relativeName())
        .collect(Collectors.joining());
  }

  static Set<DatasetName> names(DatasetName... names) {
    return Set.of(names);
  }
}
