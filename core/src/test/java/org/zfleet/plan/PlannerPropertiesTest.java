package org.zfleet.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.zfleet.model.FilesystemVersion;

/** Invariants of every plan over generated histories (pure and bounded: no timeout needed). */
class PlannerPropertiesTest {

  @Provide
  Arbitrary<Scenario> scenarios() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 99).list().ofMaxSize(25),
            Arbitraries.integers().between(-1, 25),
            Arbitraries.integers().between(0, 6).map(d -> d <= 2 ? d : 0),
            Arbitraries.of(InitialReplication.class),
            Arbitraries.integers().between(-1, 25),
            Arbitraries.of(true, false),
            Arbitraries.longs())
        .as(Scenario::of);
  }

  @Property(tries = 1000)
  void stepsFormAChainFromTheBase(@ForAll("scenarios") Scenario s) {
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
  }

  /**
   * The generator must reach every kind of result often enough for the properties to mean
   * something.
   */
  @Property(tries = 1000)
  void generatedHistoriesCoverEveryOutcome(@ForAll("scenarios") Scenario s) {
    Plan result = s.plan();
    boolean fromBookmark =
        result instanceof Plan.Steps st
            && st.steps().get(0).from().filter(v -> !v.isSnapshot()).isPresent();
    boolean gapJumped =
        result instanceof Plan.Steps st
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
    Statistics.label("result").collect(result.getClass().getSimpleName());
    Statistics.label("more than two steps")
        .collect(result instanceof Plan.Steps st && st.steps().size() > 2);
    Statistics.label("starts at a bookmark").collect(fromBookmark);
    Statistics.label("jumps an excluded snapshot").collect(gapJumped);
    Statistics.label("result")
        .coverage(
            c -> {
              c.check("Steps").percentage(p -> p > 10);
              c.check("UpToDate").percentage(p -> p > 5);
              c.check("Conflict").percentage(p -> p > 10);
            });
    Statistics.label("more than two steps").coverage(c -> c.check(true).percentage(p -> p > 3));
    Statistics.label("starts at a bookmark").coverage(c -> c.check(true).percentage(p -> p > 0.5));
    Statistics.label("jumps an excluded snapshot")
        .coverage(c -> c.check(true).percentage(p -> p > 3));
  }

  @Property(tries = 1000)
  void everyReplicatedSnapshotAfterTheBaseArrivesExactlyOnceAndNoOtherDoes(
      @ForAll("scenarios") Scenario s) {
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
  }

  @Property(tries = 1000)
  void replanningAfterApplyingThePlanIsUpToDate(@ForAll("scenarios") Scenario s) {
    if (!(s.plan() instanceof Plan.Steps plan)) {
      return;
    }
    List<FilesystemVersion> after = Replay.apply(s.sender(), s.receiver(), plan.steps()).receiver();
    PlanOptions replica = s.options().withReceiverState(ReceiverState.REPLICA);
    assertThat(Planner.plan(s.sender(), after, replica)).isEqualTo(new Plan.UpToDate());
  }

  @Property(tries = 1000)
  void conflictIffTheReceiversNewestSnapshotIsUnknownToTheSender(@ForAll("scenarios") Scenario s) {
    List<FilesystemVersion> receiverSnapshots =
        VersionOrder.snapshots(VersionOrder.ordered(s.receiver()));
    if (receiverSnapshots.isEmpty()) {
      return;
    }
    Set<Long> senderGuids =
        s.sender().stream().map(FilesystemVersion::guid).collect(Collectors.toSet());
    boolean newestKnown =
        senderGuids.contains(receiverSnapshots.get(receiverSnapshots.size() - 1).guid());
    boolean anyKnown = receiverSnapshots.stream().anyMatch(v -> senderGuids.contains(v.guid()));
    Plan plan = s.plan();
    if (newestKnown) {
      assertThat(plan).isNotInstanceOf(Plan.Conflict.class);
    } else {
      Plan.Reason expected =
          anyKnown ? Plan.Reason.RECEIVER_HAS_NEWER_SNAPSHOTS : Plan.Reason.NO_COMMON_SNAPSHOT;
      assertThat(plan)
          .isInstanceOfSatisfying(
              Plan.Conflict.class, c -> assertThat(c.reason()).isEqualTo(expected));
    }
  }

  /**
   * After a replication, pruning anything on either side except what {@link BaseProtection} keeps,
   * then taking new snapshots, still leaves an incremental plan from the same base.
   */
  @Property(tries = 1000)
  void pruningAfterReplicationNeverRemovesTheBase(
      @ForAll("scenarios") Scenario s,
      @ForAll @Size(max = 30) List<Boolean> pruneOnSender,
      @ForAll @Size(max = 30) List<Boolean> pruneOnReceiver) {
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
    List<FilesystemVersion> prunedSender = prune(s.sender(), pruneOnSender, keptOnSender);
    List<FilesystemVersion> prunedReceiver = prune(receiver, pruneOnReceiver, keptOnReceiver);

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
}
