package org.zfleet.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.model.FilesystemVersion;

/**
 * Invariants of every plan over 2,000 generated histories each (seeded: a failure names its seed
 * and scenario, and re-running reproduces it).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlannerPropertiesTest {

  private static final int SEEDS = 2_000;

  @Test
  void stepsFormAChainFromTheBase() {
    forAll(
        Scenario::random,
        s -> {
          if (!(s.plan() instanceof Plan.Steps plan)) {
            return;
          }
          List<Step> steps = plan.steps();
          Optional<CommonBase> base = BaseProtection.newestCommon(s.sender(), s.receiver());
          if (base.isPresent()) {
            assertThat(steps.get(0).from()).contains(base.get().onSender());
          } else {
            assertThat(steps.get(0).flag()).isEqualTo(Step.Flag.FULL);
            assertThat(steps.get(0).forceReceive())
                .isEqualTo(s.options().receiverState() == ReceiverState.PLACEHOLDER);
          }
          for (int i = 1; i < steps.size(); i++) {
            assertThat(steps.get(i).flag()).isNotEqualTo(Step.Flag.FULL);
            assertThat(steps.get(i).from()).contains(steps.get(i - 1).to());
          }
          for (Step step : steps) {
            assertThat(s.sender()).contains(step.to());
            step.from().ifPresent(from -> assertThat(s.sender()).contains(from));
          }
        });
  }

  /**
   * The generator must reach every kind of result often enough for the properties to mean
   * something: without this, a generator change could leave them checking nothing.
   */
  @Test
  void generatedHistoriesCoverEveryOutcome() {
    List<Scenario> scenarios = new ArrayList<>();
    List<Plan> plans = new ArrayList<>();
    for (long seed = 0; seed < SEEDS; seed++) {
      Scenario s = Scenario.random(seed);
      scenarios.add(s);
      plans.add(s.plan());
    }
    Coverage coverage = new Coverage(plans.size());
    coverage.expect("Steps", 10, count(plans, p -> p instanceof Plan.Steps));
    coverage.expect("UpToDate", 5, count(plans, p -> p instanceof Plan.UpToDate));
    coverage.expect("Conflict", 10, count(plans, p -> p instanceof Plan.Conflict));
    coverage.expect(
        "more than two steps",
        3,
        count(plans, p -> p instanceof Plan.Steps st && st.steps().size() > 2));
    coverage.expect(
        "starts at a bookmark",
        0.5,
        count(
            plans,
            p ->
                p instanceof Plan.Steps st
                    && st.steps().get(0).from().filter(v -> !v.isSnapshot()).isPresent()));
    int gapJumped = 0;
    for (int i = 0; i < plans.size(); i++) {
      if (jumpsAnExcludedSnapshot(scenarios.get(i), plans.get(i))) {
        gapJumped++;
      }
    }
    coverage.expect("jumps an excluded snapshot", 3, gapJumped);
    coverage.check();
  }

  @Test
  void everyReplicatedSnapshotAfterTheBaseArrivesExactlyOnceAndNoOtherDoes() {
    forAll(
        Scenario::random,
        s -> {
          if (!(s.plan() instanceof Plan.Steps plan)) {
            return;
          }
          List<FilesystemVersion> received =
              Replay.apply(s.sender(), s.receiver(), plan.steps()).received();
          List<FilesystemVersion> expected = expectedArrivals(s, plan);
          assertThat(received).containsExactlyElementsOf(expected);
          assertThat(received).allMatch(s::replicates, "replicated by the job");
          assertThat(plan.steps())
              .allMatch(step -> s.replicates(step.to()), "targets replicated by the job");
        });
  }

  @Test
  void replanningAfterApplyingThePlanIsUpToDate() {
    forAll(
        Scenario::random,
        s -> {
          if (!(s.plan() instanceof Plan.Steps plan)) {
            return;
          }
          List<FilesystemVersion> after =
              Replay.apply(s.sender(), s.receiver(), plan.steps()).receiver();
          PlanOptions replica = s.options().withReceiverState(ReceiverState.REPLICA);
          assertThat(Planner.plan(s.sender(), after, replica)).isEqualTo(new Plan.UpToDate());
        });
  }

  @Test
  void conflictIffTheReceiversNewestSnapshotIsUnknownToTheSender() {
    forAll(
        Scenario::random,
        s -> {
          List<FilesystemVersion> receiverSnapshots =
              VersionOrder.snapshots(VersionOrder.ordered(s.receiver()));
          if (receiverSnapshots.isEmpty()) {
            return;
          }
          Set<Long> senderGuids =
              s.sender().stream().map(FilesystemVersion::guid).collect(Collectors.toSet());
          boolean newestKnown =
              senderGuids.contains(receiverSnapshots.get(receiverSnapshots.size() - 1).guid());
          boolean anyKnown =
              receiverSnapshots.stream().anyMatch(v -> senderGuids.contains(v.guid()));
          Plan plan = s.plan();
          if (newestKnown) {
            assertThat(plan).isNotInstanceOf(Plan.Conflict.class);
          } else {
            Plan.Reason expected =
                anyKnown
                    ? Plan.Reason.RECEIVER_HAS_NEWER_SNAPSHOTS
                    : Plan.Reason.NO_COMMON_SNAPSHOT;
            assertThat(plan)
                .isInstanceOfSatisfying(
                    Plan.Conflict.class, c -> assertThat(c.reason()).isEqualTo(expected));
          }
        });
  }

  /**
   * After a replication, pruning anything on either side except what {@link BaseProtection} keeps,
   * then taking new snapshots, still leaves an incremental plan from the same base.
   */
  @Test
  void pruningAfterReplicationNeverRemovesTheBase() {
    forAll(
        PrunedAfterReplication::random,
        p -> {
          Scenario s = p.scenario();
          Plan plan = s.plan();
          if (plan instanceof Plan.Conflict) {
            return;
          }
          List<FilesystemVersion> receiver =
              plan instanceof Plan.Steps steps
                  ? Replay.apply(s.sender(), s.receiver(), steps.steps()).receiver()
                  : s.receiver();
          Optional<CommonBase> base = BaseProtection.newestCommon(s.sender(), receiver);
          if (base.isEmpty()) {
            return; // nothing was replicated: nothing to protect
          }
          Set<Long> keptOnSender =
              BaseProtection.keptOnSender(s.sender(), receiver, s.options().cursorGuid());
          Set<Long> keptOnReceiver = BaseProtection.keptOnReceiver(s.sender(), receiver);
          List<FilesystemVersion> prunedSender = prune(s.sender(), p.onSender(), keptOnSender);
          List<FilesystemVersion> prunedReceiver = prune(receiver, p.onReceiver(), keptOnReceiver);

          long txg = s.sender().stream().mapToLong(FilesystemVersion::createTxg).max().orElse(0);
          List<FilesystemVersion> grown = new ArrayList<>(prunedSender);
          Set<Long> used = new HashSet<>();
          s.sender().forEach(v -> used.add(v.guid()));
          receiver.forEach(v -> used.add(v.guid()));
          long fresh = 1;
          for (int i = 1; i <= 2; i++) {
            while (used.contains(fresh)) {
              fresh++;
            }
            used.add(fresh);
            grown.add(FilesystemVersion.snapshot("snew" + i, fresh, txg + 10L * i, Instant.EPOCH));
          }
          PlanOptions replica = s.options().withReceiverState(ReceiverState.REPLICA);

          Plan next = Planner.plan(grown, prunedReceiver, replica);
          assertThat(next).isInstanceOf(Plan.Steps.class);
          List<Step> steps = ((Plan.Steps) next).steps();
          assertThat(steps.get(0).from().map(FilesystemVersion::guid)).contains(base.get().guid());
          assertThat(steps).noneMatch(step -> step.flag() == Step.Flag.FULL);
        });
  }

  /** A scenario and, drawn after it from the same seed, which versions to try to prune. */
  private record PrunedAfterReplication(
      Scenario scenario, List<Boolean> onSender, List<Boolean> onReceiver) {

    static PrunedAfterReplication random(long seed) {
      Random r = new Random(seed);
      Scenario scenario = Scenario.random(seed, r);
      return new PrunedAfterReplication(scenario, mask(r), mask(r));
    }

    private static List<Boolean> mask(Random r) {
      List<Boolean> mask = new ArrayList<>();
      int n = r.nextInt(31);
      for (int i = 0; i < n; i++) {
        mask.add(r.nextBoolean());
      }
      return List.copyOf(mask);
    }

    @Override
    public String toString() {
      return scenario
          + "\n  prune on sender (by position, if not kept) "
          + onSender
          + "\n  prune on receiver after replication "
          + onReceiver;
    }
  }

  private static int count(List<Plan> plans, Predicate<Plan> kind) {
    return (int) plans.stream().filter(kind).count();
  }

  private static boolean jumpsAnExcludedSnapshot(Scenario s, Plan result) {
    return result instanceof Plan.Steps st
        && st.steps().stream()
            .anyMatch(
                step ->
                    step.flag() == Step.Flag.INCREMENTAL
                        && s.sender().stream()
                            .anyMatch(
                                v ->
                                    v.isSnapshot()
                                        && v.createTxg() > step.from().get().createTxg()
                                        && v.createTxg() < step.to().createTxg()));
  }

  private static List<FilesystemVersion> expectedArrivals(Scenario s, Plan.Steps plan) {
    List<FilesystemVersion> replicated =
        VersionOrder.snapshots(VersionOrder.ordered(s.sender())).stream()
            .filter(s::replicates)
            .toList();
    Optional<CommonBase> base = BaseProtection.newestCommon(s.sender(), s.receiver());
    if (base.isPresent()) {
      long after = base.get().onSender().createTxg();
      return replicated.stream().filter(v -> v.createTxg() > after).toList();
    }
    return switch (s.options().initialReplication()) {
      case ALL -> replicated;
      case MOST_RECENT -> List.of(replicated.get(replicated.size() - 1));
      case FAIL -> throw new AssertionError("policy fail planned steps: " + plan);
    };
  }

  private static List<FilesystemVersion> prune(
      List<FilesystemVersion> versions, List<Boolean> mask, Set<Long> kept) {
    List<FilesystemVersion> out = new ArrayList<>();
    for (int i = 0; i < versions.size(); i++) {
      FilesystemVersion v = versions.get(i);
      boolean drop = i < mask.size() && mask.get(i) && v.isSnapshot() && !kept.contains(v.guid());
      if (!drop) {
        out.add(v);
      }
    }
    return out;
  }

  private static <T> void forAll(LongFunction<T> generator, Consumer<T> property) {
    for (long seed = 0; seed < SEEDS; seed++) {
      T scenario = generator.apply(seed);
      try {
        property.accept(scenario);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("property fails for " + scenario + "\n" + e.getMessage(), e);
      }
    }
  }
}
