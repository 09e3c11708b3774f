package org.zfleet.cycle;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.config.JobConfig;
import org.zfleet.config.Pruning;
import org.zfleet.config.PullJob;
import org.zfleet.config.PushJob;
import org.zfleet.config.Replication;
import org.zfleet.config.SnapJob;
import org.zfleet.config.Snapshotting;
import org.zfleet.config.SourceJob;
import org.zfleet.plan.InitialReplication;

/**
 * What the planner needs of a job's configuration: its kind and name, when it snapshots, its keep
 * rules per side and its initial-replication policy. Values only, taken from the configuration
 * once.
 *
 * @param identity this node, the client identity under which a push lands on its sinks
 * @param destinations the sinks (push) or the source (pull), in configuration order
 * @param replanEvery a pull's interval: it lists and plans again that long after its last listing
 */
public record CycleSettings(
    Kind kind,
    String job,
    String identity,
    List<String> destinations,
    Snapshotting snapshotting,
    Optional<Pruning> senderPruning,
    Optional<Pruning> receiverPruning,
    InitialReplication initialReplication,
    Optional<Duration> replanEvery) {

  /** The kinds of active job. */
  public enum Kind {
    SNAP,
    SOURCE,
    PUSH,
    PULL
  }

  public CycleSettings {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(identity, "identity");
    destinations = List.copyOf(destinations);
    Objects.requireNonNull(snapshotting, "snapshotting");
    Objects.requireNonNull(senderPruning, "senderPruning");
    Objects.requireNonNull(receiverPruning, "receiverPruning");
    Objects.requireNonNull(initialReplication, "initialReplication");
    Objects.requireNonNull(replanEvery, "replanEvery");
  }

  /** The settings of an active job, or empty for a sink (which acts when its clients do). */
  public static Optional<CycleSettings> of(JobConfig job, String identity) {
    if (job instanceof SnapJob snap) {
      return Optional.of(
          new CycleSettings(
              Kind.SNAP,
              snap.name(),
              identity,
              List.of(),
              snap.snapshotting(),
              Optional.of(snap.pruning()),
              Optional.empty(),
              InitialReplication.MOST_RECENT,
              Optional.empty()));
    }
    if (job instanceof SourceJob source) {
      return Optional.of(
          new CycleSettings(
              Kind.SOURCE,
              source.name(),
              identity,
              List.of(),
              source.snapshotting(),
              Optional.empty(),
              Optional.empty(),
              InitialReplication.MOST_RECENT,
              Optional.empty()));
    }
    if (job instanceof PushJob push) {
      return Optional.of(
          new CycleSettings(
              Kind.PUSH,
              push.name(),
              identity,
              push.sinks(),
              push.snapshotting(),
              Optional.of(push.senderPruning()),
              Optional.of(push.receiverPruning()),
              initial(push.replication().initialReplication()),
              Optional.empty()));
    }
    if (job instanceof PullJob pull) {
      return Optional.of(
          new CycleSettings(
              Kind.PULL,
              pull.name(),
              identity,
              List.of(pull.source()),
              new Snapshotting.Manual(Optional.empty()),
              Optional.of(pull.senderPruning()),
              Optional.of(pull.receiverPruning()),
              initial(pull.replication().initialReplication()),
              pull.interval()));
    }
    return Optional.empty();
  }

  public static InitialReplication initial(Replication.InitialReplication policy) {
    return switch (policy) {
      case ALL -> InitialReplication.ALL;
      case MOST_RECENT -> InitialReplication.MOST_RECENT;
      case FAIL -> InitialReplication.FAIL;
    };
  }

  /**
   * A cycle that takes no snapshot of its own starts when it lists: a pull's, and a job's with
   * manual snapshotting (a wakeup replicates and prunes only). The others' start when they
   * snapshot.
   */
  public boolean cycleStartsAtListing() {
    return kind == Kind.PULL || snapshotting instanceof Snapshotting.Manual;
  }
}
