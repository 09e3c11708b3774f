package org.zfleet.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.DatasetName;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SnapshotPlanTest {

  /** {@code "tank/a+"}: tank/a with its whole subtree; {@code "tank/a"}: without. */
  private static Map<DatasetName, Boolean> selected(String... specs) {
    Map<DatasetName, Boolean> out = new LinkedHashMap<>();
    for (String spec : specs) {
      boolean whole = spec.endsWith("+");
      out.put(DatasetName.of(whole ? spec.substring(0, spec.length() - 1) : spec), whole);
    }
    return out;
  }

  private static List<DatasetName> ds(String... names) {
    return Arrays.stream(names).map(DatasetName::of).toList();
  }

  static Stream<Arguments> plans() {
    return Stream.of(
        Arguments.of("nothing selected", selected(), true, List.of(), List.of()),
        Arguments.of(
            "a whole tree is one recursive snapshot",
            selected("tank/a+", "tank/a/b+", "tank/a/b/c+", "tank/a/d+"),
            false,
            ds("tank/a"),
            List.of()),
        Arguments.of(
            "an excluded child splits the parent off",
            selected("tank/a", "tank/a/b+", "tank/a/b/c+", "tank/a/d"),
            true,
            ds("tank/a/b"),
            List.of(ds("tank/a", "tank/a/d"))),
        Arguments.of(
            "without multi-snapshot support each single dataset is its own command",
            selected("tank/a", "tank/a/b+", "tank/a/b/c+", "tank/a/d"),
            false,
            ds("tank/a/b"),
            List.of(ds("tank/a"), ds("tank/a/d"))),
        Arguments.of(
            "batches never span pools",
            selected("tank/x", "backup/y", "tank/z", "backup/w+"),
            true,
            ds("backup/w"),
            List.of(ds("backup/y"), ds("tank/x", "tank/z"))),
        Arguments.of(
            "sibling trees are separate recursive snapshots",
            selected("tank/b+", "tank/a+", "tank/a/x+"),
            true,
            ds("tank/a", "tank/b"),
            List.of()),
        Arguments.of(
            "a pool root with its whole tree",
            selected("tank+", "tank/a+", "tank/a/b+"),
            true,
            ds("tank"),
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plans")
  void plansTheFewestCommandsThatSnapshotExactlyTheSelection(
      String description,
      Map<DatasetName, Boolean> selection,
      boolean multipleSnapshotsPerCommand,
      List<DatasetName> roots,
      List<List<DatasetName>> batches) {
    SnapshotPlan plan = SnapshotPlan.of(selection, multipleSnapshotsPerCommand);
    assertThat(plan).isEqualTo(new SnapshotPlan(roots, batches));
    assertThat(plan.commandCount()).isEqualTo(roots.size() + batches.size());
  }

  @Test
  void aChildWithoutItsSubtreeUnderAWholeSubtreeIsAContradiction() {
    assertThatThrownBy(() -> SnapshotPlan.of(selected("tank/a+", "tank/a/b"), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "tank/a/b is selected without its whole subtree, but its ancestor tank/a is selected"
                + " with its whole subtree");
  }
}
