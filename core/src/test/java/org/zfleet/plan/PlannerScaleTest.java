package org.zfleet.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.model.FilesystemVersion;

/**
 * Plans over 10,000 snapshots: correct, and one pass over the lists (the timeout catches a
 * quadratic plan without asserting on speed).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PlannerScaleTest {

  private static final int N = 10_000;
  private static final PlanOptions EVERY_THIRD_EXCLUDED =
      PlanOptions.defaults().withReplicates(v -> !v.name().startsWith("x"));

  /** Snapshot i is named x-i when i % 3 == 2 (not replicated) when {@code withExcluded}. */
  private static List<FilesystemVersion> sender(boolean withExcluded) {
    List<FilesystemVersion> out = new ArrayList<>(N);
    for (int i = 0; i < N; i++) {
      String name = (withExcluded && i % 3 == 2 ? "x-" : "auto-") + i;
      out.add(
          FilesystemVersion.snapshot(
              name, 0x5EED0000L + i, 1000L + 4 * i, Instant.EPOCH.plusSeconds(i)));
    }
    return out;
  }

  private static List<FilesystemVersion> receiverCopy(List<FilesystemVersion> versions) {
    List<FilesystemVersion> out = new ArrayList<>(versions.size());
    for (int i = 0; i < versions.size(); i++) {
      FilesystemVersion v = versions.get(i);
      out.add(FilesystemVersion.snapshot(v.name(), v.guid(), 77L + i, v.creation()));
    }
    return out;
  }

  @Test
  void oneIntermediateStepCoversTenThousandNewSnapshots() {
    List<FilesystemVersion> sender = sender(false);
    Plan plan = Planner.plan(sender, receiverCopy(sender.subList(0, 1)), PlanOptions.defaults());
    assertThat(plan)
        .isEqualTo(new Plan.Steps(List.of(Step.intermediate(sender.get(0), sender.get(N - 1)))));
  }

  @Test
  void initialReplicationOfTenThousandIsAFullAndOneIntermediate() {
    List<FilesystemVersion> sender = sender(false);
    PlanOptions options =
        PlanOptions.defaults()
            .withInitialReplication(InitialReplication.ALL)
            .withReceiverState(ReceiverState.ABSENT);
    Plan plan = Planner.plan(sender, List.of(), options);
    assertThat(plan)
        .isEqualTo(
            new Plan.Steps(
                List.of(
                    Step.full(sender.get(0)),
                    Step.intermediate(sender.get(0), sender.get(N - 1)))));
  }

  @Test
  void everyThirdExcludedSplitsIntoOneIncrementalAndOneIntermediatePerRun() {
    List<FilesystemVersion> sender = sender(true);
    Plan.Steps plan =
        (Plan.Steps) Planner.plan(sender, receiverCopy(sender.subList(0, 1)), EVERY_THIRD_EXCLUDED);
    // From auto-0, auto-1 is a run of one; after that each excluded x-(3k+2) is jumped by -i to
    // auto-(3k+3), and -I carries on to auto-(3k+4).
    List<Step> steps = plan.steps();
    assertThat(steps.get(0)).isEqualTo(Step.incremental(sender.get(0), sender.get(1)));
    assertThat(steps.get(1)).isEqualTo(Step.incremental(sender.get(1), sender.get(3)));
    assertThat(steps.get(2)).isEqualTo(Step.intermediate(sender.get(3), sender.get(4)));
    assertThat(steps).hasSize(1 + 2 * ((N - 3) / 3) + 1);
    assertThat(steps).noneMatch(step -> step.to().name().startsWith("x"));

    List<FilesystemVersion> after =
        Replay.apply(sender, receiverCopy(sender.subList(0, 1)), steps).receiver();
    assertThat(after).hasSize(1 + (N - 1) - (N - 1) / 3);
    assertThat(Planner.plan(sender, after, EVERY_THIRD_EXCLUDED)).isEqualTo(new Plan.UpToDate());
  }

  @Test
  void tenThousandOnBothSidesIsUpToDate() {
    List<FilesystemVersion> sender = sender(false);
    assertThat(Planner.plan(sender, receiverCopy(sender), PlanOptions.defaults()))
        .isEqualTo(new Plan.UpToDate());
  }
}
