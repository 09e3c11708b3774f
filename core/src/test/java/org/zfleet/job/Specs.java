package org.zfleet.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.zfleet.config.KeepRule;
import org.zfleet.config.Pruning;
import org.zfleet.config.Snapshotting;
import org.zfleet.cycle.CycleSettings;
import org.zfleet.cycle.CycleStart;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.FilesystemView;
import org.zfleet.cycle.ReplicationPlan;
import org.zfleet.cycle.SenderFilesystem;
import org.zfleet.cycle.StepSpec;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.InitialReplication;
import org.zfleet.plan.Plan;
import org.zfleet.plan.ReceiverState;
import org.zfleet.prune.PruneOutcome;
import org.zfleet.prune.PruneSummary;

/**
 * Planned steps for actor tests, and a runner that carries them out by script: each spec made here
 * is distinct, a test gives it the work it should do, and every run is told to a probe as {@code
 * kind:destination}.
 */
final class Specs implements StepRunner {

  static final DatasetName FS = DatasetName.of("pool/fs");
  static final CycleSettings SETTINGS =
      new CycleSettings(
          CycleSettings.Kind.PUSH,
          "push",
          "n1",
          List.of("a", "b"),
          new Snapshotting.Manual(Optional.of("zf_")),
          Optional.of(new Pruning(List.of(new KeepRule.NotReplicated()), Pruning.Scope.ALL)),
          Optional.of(
              new Pruning(List.of(new KeepRule.LastN(1, Optional.empty())), Pruning.Scope.ALL)),
          InitialReplication.MOST_RECENT,
          Optional.empty());

  private static final AtomicInteger made = new AtomicInteger();
  private final Map<StepSpec, StepWork> works = new ConcurrentHashMap<>();
  private final TestProbe<String> ran;

  Specs(TestProbe<String> ran) {
    this.ran = ran;
  }

  /** A cycle of these steps, over a filesystem with nothing planned from its state. */
  static FilesystemCycle cycle(StepSpec... steps) {
    FilesystemView view =
        new FilesystemView(
            SenderFilesystem.of(FS, List.of()), List.of(), Optional.empty(), Optional.empty());
    return new FilesystemCycle(view, SETTINGS, CycleStart.at(Instant.EPOCH), List.of(steps));
  }

  /** A cycle of these steps over a filesystem listed with these snapshots. */
  static FilesystemCycle cycle(List<FilesystemVersion> versions, StepSpec... steps) {
    FilesystemView view =
        new FilesystemView(
            SenderFilesystem.of(FS, versions), List.of(), Optional.empty(), Optional.empty());
    return new FilesystemCycle(view, SETTINGS, CycleStart.at(Instant.EPOCH), List.of(steps));
  }

  /**
   * A distinct first replication to {@code destination} whose replicated parent {@code parent} has
   * not arrived there yet, doing {@code work} once it may run.
   */
  StepSpec awaitingParent(String destination, DatasetName parent, StepWork work) {
    StepSpec spec =
        new StepSpec.Replicate(
            destination,
            new ReplicationPlan(
                FS,
                DatasetName.of("backup/step-" + made.incrementAndGet()),
                ReceiverState.ABSENT,
                new Plan.UpToDate(),
                List.of(),
                OptionalLong.empty(),
                List.of(),
                List.of(),
                Optional.of(parent),
                false,
                Optional.empty(),
                List.of()));
    works.put(spec, work);
    // The supervisor runs it as the plan once the parent arrived: same work.
    works.put(
        new StepSpec.Replicate(destination, ((StepSpec.Replicate) spec).plan().parentArrived()),
        work);
    return spec;
  }

  static String label(StepSpec spec) {
    return StepKind.of(spec).label() + ":" + spec.destination();
  }

  /** A distinct step of {@code kind} to {@code destination} that succeeds. */
  StepSpec step(StepKind kind, String destination) {
    return step(kind, destination, control -> StepResult.of(kind.label() + " ok"));
  }

  /** A distinct step that fails as a receive would. */
  StepSpec failing(StepKind kind, String destination) {
    return step(
        kind,
        destination,
        control -> {
          throw new IllegalStateException("receive failed");
        });
  }

  /** A distinct step of {@code kind} to {@code destination} doing {@code work}. */
  StepSpec step(StepKind kind, String destination, StepWork work) {
    StepSpec spec = spec(kind, destination, "step " + made.incrementAndGet());
    works.put(spec, work);
    return spec;
  }

  private static StepSpec spec(StepKind kind, String destination, String tag) {
    PruneOutcome nothing =
        new PruneOutcome.Evaluated(List.of(), new PruneSummary(0, 0, 0, List.of()));
    return switch (kind) {
      case REPLICATE ->
          new StepSpec.Replicate(
              destination,
              new ReplicationPlan(
                  FS,
                  DatasetName.of("backup/" + tag.replace(' ', '-')),
                  ReceiverState.REPLICA,
                  new Plan.UpToDate(),
                  List.of(),
                  OptionalLong.empty(),
                  List.of(),
                  List.of(),
                  Optional.empty(),
                  false,
                  Optional.empty(),
                  List.of()));
      case PRUNE_SENDER -> new StepSpec.PruneSender(tag, FS, nothing);
      case PRUNE_RECEIVER -> new StepSpec.PruneReceiver(destination, tag, FS, nothing);
      default -> throw new IllegalArgumentException("no filesystem step of kind " + kind);
    };
  }

  @Override
  public StepWork work(StepSpec spec, CyclePorts ports) {
    StepWork work = works.getOrDefault(spec, control -> StepResult.of(label(spec) + " ok"));
    return control -> {
      ran.getRef().tell(label(spec));
      return work.run(control);
    };
  }
}
