package org.zfleet.prune;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.KeepRule;
import org.zfleet.model.FilesystemVersion;

/**
 * Properties of pruning over 2,000 random scenarios each (seeded: a failure names its seed and
 * scenario, and re-running reproduces it).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PrunerPropertiesTest {

  private static final int SEEDS = 2_000;

  @Test
  void pruningIsIdempotent() {
    forAll(
        Scenario::judgeable,
        s -> {
          PruneOutcome.Evaluated first = evaluate(s);
          PruneOutcome.Evaluated again =
              Snaps.evaluated(Pruner.evaluate(first.kept(), s.policy(), s.context()));
          assertThat(again.toDestroy()).isEmpty();
        });
  }

  @Test
  void pruningNeverDestroysWhatARuleKeeps() {
    forAll(
        Scenario::judgeable,
        s -> {
          Set<FilesystemVersion> destroyed = Set.copyOf(evaluate(s).toDestroy());
          for (KeepRule rule : s.policy().rules()) {
            PrunePolicy alone = new PrunePolicy(List.of(rule), s.policy().scope());
            List<FilesystemVersion> keptByRule =
                Snaps.evaluated(Pruner.evaluate(s.versions(), alone, s.context()))
                    .decisions()
                    .stream()
                    .filter(
                        d ->
                            d instanceof SnapshotDecision.Keep k
                                && k.reasons().stream()
                                    .anyMatch(
                                        r ->
                                            r instanceof KeepReason.ByRule
                                                || r instanceof KeepReason.GridAnchor))
                    .map(SnapshotDecision::version)
                    .toList();
            assertThat(keptByRule.stream().filter(destroyed::contains))
                .as("kept by %s yet destroyed", rule.describe())
                .isEmpty();
          }
        });
  }

  @Test
  void pruningNeverDestroysTheYoungestSnapshot() {
    forAll(
        Scenario::judgeable,
        s ->
            s.versions().stream()
                .filter(FilesystemVersion::isSnapshot)
                .max(
                    Comparator.comparing(FilesystemVersion::creation)
                        .thenComparing(FilesystemVersion::name))
                .ifPresent(youngest -> assertThat(evaluate(s).kept()).contains(youngest)));
  }

  @Test
  void pruningDestroysExactlyWhatTheSpecifiedRulesLeave() {
    forAll(
        Scenario::judgeable,
        s -> {
          Set<String> expected = SpecifiedPruning.kept(s.versions(), s.policy(), s.context());
          Set<String> actual =
              evaluate(s).kept().stream().map(FilesystemVersion::name).collect(Collectors.toSet());
          assertThat(actual).isEqualTo(expected);
        });
  }

  @Test
  void everyEntryGetsOneDecisionInInputOrderAndKeepsSayWhy() {
    forAll(
        Scenario::judgeable,
        s -> {
          PruneOutcome.Evaluated outcome = evaluate(s);
          assertThat(outcome.decisions().stream().map(SnapshotDecision::version).toList())
              .containsExactlyElementsOf(s.versions());
          assertThat(outcome.summary().kept() + outcome.summary().destroyed())
              .isEqualTo(s.versions().size());
          assertThat(outcome.toDestroy()).allMatch(FilesystemVersion::isSnapshot);
        });
  }

  @Test
  void notReplicatedRefusesExactlyWhenACursorIsMissing() {
    forAll(
        Scenario::anyCursors,
        s -> {
          boolean cursorMissing =
              s.context().cursors().isEmpty()
                  || s.context().cursors().stream().anyMatch(c -> c instanceof CursorState.Missing);
          boolean shouldRefuse = s.policy().needsReplicationCursor() && cursorMissing;
          PruneOutcome outcome = Pruner.evaluate(s.versions(), s.policy(), s.context());
          assertThat(outcome instanceof PruneOutcome.Refused).isEqualTo(shouldRefuse);
          if (outcome instanceof PruneOutcome.Refused refused) {
            assertThat(refused.message()).startsWith("prune refused: replication cursor missing");
          }
        });
  }

  private static PruneOutcome.Evaluated evaluate(Scenario s) {
    return Snaps.evaluated(Pruner.evaluate(s.versions(), s.policy(), s.context()));
  }

  private static void forAll(LongFunction<Scenario> generator, Consumer<Scenario> property) {
    for (long seed = 0; seed < SEEDS; seed++) {
      Scenario scenario = generator.apply(seed);
      try {
        property.accept(scenario);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("property fails for " + scenario + "\n" + e.getMessage(), e);
      }
    }
  }
}
