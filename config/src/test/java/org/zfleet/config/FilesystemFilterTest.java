package org.zfleet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.DatasetName;

@Timeout(30)
class FilesystemFilterTest {

  /** The sample filter. */
  private static final Map<String, Boolean> SAMPLE =
      ordered("tank/data<", true, "tank/data/tmp<", false, "tank/data/my vm.disk", true);

  static Stream<Arguments> selection() {
    return Stream.of(
        Arguments.of("subtree root itself", SAMPLE, "tank/data", true),
        Arguments.of("child of included subtree", SAMPLE, "tank/data/db", true),
        Arguments.of("deep child of included subtree", SAMPLE, "tank/data/db/x/y", true),
        Arguments.of("excluded subtree root", SAMPLE, "tank/data/tmp", false),
        Arguments.of("child of excluded subtree", SAMPLE, "tank/data/tmp/cache", false),
        Arguments.of("exact name with space and dot", SAMPLE, "tank/data/my vm.disk", true),
        Arguments.of("parent of subtree root", SAMPLE, "tank", false),
        Arguments.of("sibling with common prefix is not a child", SAMPLE, "tank/database", false),
        Arguments.of("other pool", SAMPLE, "rpool/data", false),
        Arguments.of(
            "exact include does not reach children", ordered("tank/a", true), "tank/a/b", false),
        Arguments.of(
            "exact exclude beats subtree include",
            ordered("tank<", true, "tank/a", false),
            "tank/a",
            false),
        Arguments.of(
            "exact exclude leaves children to the subtree rule",
            ordered("tank<", true, "tank/a", false),
            "tank/a/b",
            true),
        Arguments.of(
            "exact include inside excluded subtree",
            ordered("tank<", false, "tank/keep", true),
            "tank/keep",
            true),
        Arguments.of(
            "exact rule beats subtree rule on the same dataset",
            ordered("tank/a<", false, "tank/a", true),
            "tank/a",
            true),
        Arguments.of(
            "deepest subtree wins",
            ordered("tank<", true, "tank/a<", false, "tank/a/b<", true),
            "tank/a/b/c",
            true),
        Arguments.of(
            "deepest subtree wins, exclude",
            ordered("tank<", true, "tank/a<", false, "tank/a/b<", true),
            "tank/a/c",
            false),
        Arguments.of("the whole host: a pool", ordered("<", true), "rpool", true),
        Arguments.of("the whole host: deep", ordered("<", true), "tank/a/b/c", true),
        Arguments.of(
            "the whole host less a subtree",
            ordered("<", true, "tank/tmp<", false),
            "tank/tmp/x",
            false),
        Arguments.of(
            "the whole host less a subtree: the rest",
            ordered("<", true, "tank/tmp<", false),
            "tank/tmpfoo",
            true),
        Arguments.of(
            "the whole host less a pool", ordered("<", true, "backup<", false), "backup", false),
        Arguments.of(
            "the whole host less one dataset, not its children",
            ordered("<", true, "tank/a", false),
            "tank/a/b",
            true),
        Arguments.of(
            "the whole host excluded but one subtree",
            ordered("<", false, "tank/keep<", true),
            "tank/other",
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("selection")
  void mostSpecificRuleDecides(
      String name, Map<String, Boolean> rules, String dataset, boolean selected) {
    assertThat(FilesystemFilter.of(rules).selects(DatasetName.of(dataset))).isEqualTo(selected);
  }

  static Stream<Arguments> wholeSubtree() {
    return Stream.of(
        Arguments.of(
            "included subtree without exceptions", ordered("tank/a<", true), "tank/a", true),
        Arguments.of("a child inside it", ordered("tank/a<", true), "tank/a/b", true),
        Arguments.of("an excluded subtree below", SAMPLE, "tank/data", false),
        Arguments.of("the sibling of an exclusion", SAMPLE, "tank/data/db", true),
        Arguments.of("an exact include only", ordered("tank/a", true), "tank/a", false),
        Arguments.of(
            "an exact exclude of a grandchild",
            ordered("tank<", true, "tank/a/b", false),
            "tank/a",
            false),
        Arguments.of(
            "exact include above an excluded subtree",
            ordered("tank/a", true, "tank/a<", false),
            "tank/a",
            false),
        Arguments.of("not selected at all", ordered("tank/a<", true), "tank", false),
        Arguments.of("a pool under the whole host", ordered("<", true), "rpool", true),
        Arguments.of(
            "a pool with an exclusion inside",
            ordered("<", true, "tank/tmp<", false),
            "tank",
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wholeSubtree")
  void tellsWhenARecursiveSnapshotTakesExactlyTheSelection(
      String name, Map<String, Boolean> rules, String dataset, boolean whole) {
    assertThat(FilesystemFilter.of(rules).selectsWholeSubtree(DatasetName.of(dataset)))
        .isEqualTo(whole);
  }

  static Stream<Arguments> roots() {
    return Stream.of(
        Arguments.of("sample: one root covers the exact include", SAMPLE, List.of("tank/data")),
        Arguments.of(
            "two pools",
            ordered("tank<", true, "rpool/home<", true),
            List.of("rpool/home", "tank")),
        Arguments.of(
            "include below an excluded subtree",
            ordered("tank<", false, "tank/a/b<", true),
            List.of("tank/a/b")),
        Arguments.of(
            "nested includes collapse",
            ordered("tank/a", true, "tank/a/b<", true, "tank/c<", true),
            List.of("tank/a", "tank/c")),
        Arguments.of("excludes alone give no root", ordered("tank<", false), List.of()),
        Arguments.of("the whole host: every pool, no root", ordered("<", true), List.of()),
        Arguments.of(
            "the whole host covers named includes",
            ordered("<", true, "tank/tmp<", false, "tank/tmp/keep", true),
            List.of()),
        Arguments.of(
            "the whole host excluded",
            ordered("<", false, "tank/keep<", true),
            List.of("tank/keep")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roots")
  void rootsAreTheMinimalIncludedDatasets(
      String name, Map<String, Boolean> rules, List<String> roots) {
    assertThat(FilesystemFilter.of(rules).roots())
        .extracting(DatasetName::value)
        .containsExactlyElementsOf(roots);
  }

  static Stream<Arguments> overlaps() {
    return Stream.of(
        Arguments.of("disjoint pools", ordered("tank<", true), ordered("rpool<", true), null),
        Arguments.of("same subtree", ordered("tank/a<", true), ordered("tank/a<", true), "tank/a"),
        Arguments.of(
            "nested subtree", ordered("tank<", true), ordered("tank/a/b<", true), "tank/a/b"),
        Arguments.of(
            "carved out", ordered("tank<", true, "tank/a<", false), ordered("tank/a<", true), null),
        Arguments.of(
            "exact inside subtree", ordered("tank/a/x", true), ordered("tank<", true), "tank/a/x"),
        Arguments.of(
            "only unnamed children shared",
            ordered("tank/a", false, "tank/a<", true),
            ordered("tank/a", true, "tank/a<", false, "tank/a/b<", true),
            "tank/a/b"),
        Arguments.of(
            "only unnamed children of a named dataset",
            ordered("tank/a", false, "tank/a<", true),
            ordered("tank/a", true, "tank<", true, "tank/a/b", false),
            "datasets below tank/a"),
        Arguments.of(
            "the whole host and a subtree", ordered("<", true), ordered("tank/a<", true), "tank/a"),
        Arguments.of(
            "the whole host less what the other selects",
            ordered("<", true, "tank<", false),
            ordered("tank<", true),
            null),
        Arguments.of(
            "two whole hosts",
            ordered("<", true, "tank<", false),
            ordered("<", true, "rpool<", false),
            "every dataset no rule names"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlaps")
  void overlapFindsASharedDataset(
      String name, Map<String, Boolean> a, Map<String, Boolean> b, String shared) {
    Optional<FilesystemFilter.Overlap> overlap =
        FilesystemFilter.of(a).overlap(FilesystemFilter.of(b));
    assertThat(overlap.map(Object::toString)).isEqualTo(Optional.ofNullable(shared));
    assertThat(FilesystemFilter.of(b).overlap(FilesystemFilter.of(a)).isPresent())
        .isEqualTo(shared != null);
  }

  @Test
  void theWholeHostIsWrittenAsZreplWritesIt() {
    FilesystemFilter.Rule host = FilesystemFilter.Rule.parse("<", true);

    assertThat(host.key()).isEqualTo("<");
    assertThat(host.dataset()).isEmpty();
    assertThat(host.subtree()).isTrue();
    assertThat(FilesystemFilter.of(ordered("<", true, "tank/tmp<", false)).wholeHost()).isTrue();
    assertThat(FilesystemFilter.of(ordered("<", false, "tank<", true)).wholeHost()).isFalse();
    assertThat(FilesystemFilter.of(ordered("<", true)).toString()).isEqualTo("{\"<\" = true}");
  }

  @Test
  void keysNameDatasetsZfsAccepts() {
    assertThatThrownBy(() -> FilesystemFilter.Rule.parse("tank/a@snap", true))
        .hasMessage("invalid dataset name \"tank/a@snap\": character '@' is not allowed");
    assertThatThrownBy(() -> FilesystemFilter.Rule.parse("tank/a<<", true))
        .hasMessageContaining("character '<' is not allowed");
    assertThat(FilesystemFilter.Rule.parse("tank/my vm.disk<", false))
        .isEqualTo(new FilesystemFilter.Rule(DatasetName.of("tank/my vm.disk"), true, false));
  }

  // Properties over random filters and datasets in a small tree, so rules and datasets collide
  // often.

  private static final List<String> TREE =
      List.of("t", "t/a", "t/b", "t/a/x", "t/a/y", "t/b/x", "t/a/x/deep", "u", "u/a");

  private static final int SEEDS = 2000;

  /** A random filter of 1 to 6 rules over {@link #TREE}, drawn from {@code random}. */
  static FilesystemFilter randomFilter(Random random) {
    Map<String, FilesystemFilter.Rule> unique = new LinkedHashMap<>();
    int rules = 1 + random.nextInt(6);
    for (int i = 0; i < rules; i++) {
      // Now and then zrepl's whole-host rule "<".
      FilesystemFilter.Rule rule =
          random.nextInt(8) == 0
              ? FilesystemFilter.Rule.parse("<", random.nextBoolean())
              : new FilesystemFilter.Rule(
                  DatasetName.of(TREE.get(random.nextInt(TREE.size()))),
                  random.nextBoolean(),
                  random.nextBoolean());
      unique.putIfAbsent(rule.key(), rule);
    }
    return new FilesystemFilter(new ArrayList<>(unique.values()));
  }

  @Test
  void everySelectedDatasetLiesWithinARoot() {
    for (long seed = 0; seed < SEEDS; seed++) {
      Random random = new Random(seed);
      FilesystemFilter filter = randomFilter(random);
      DatasetName dataset = DatasetName.of(TREE.get(random.nextInt(TREE.size())));
      if (filter.selects(dataset) && !filter.wholeHost()) {
        assertThat(filter.roots())
            .as("seed %d, filter %s, dataset %s", seed, filter, dataset)
            .anyMatch(dataset::isWithin);
      }
      // With the whole host there is no root: every pool is listed.
      assertThat(filter.roots().isEmpty() && !filter.selectsNothing())
          .as("seed %d, filter %s", seed, filter)
          .isEqualTo(filter.wholeHost());
    }
  }

  @Test
  void wholeSubtreeMeansEveryDescendantIsSelected() {
    for (long seed = 0; seed < SEEDS; seed++) {
      Random random = new Random(seed);
      FilesystemFilter filter = randomFilter(random);
      DatasetName dataset = DatasetName.of(TREE.get(random.nextInt(TREE.size())));
      if (filter.selectsWholeSubtree(dataset)) {
        String context = "seed " + seed + ", filter " + filter + ", dataset " + dataset;
        TREE.stream()
            .map(DatasetName::of)
            .filter(d -> d.isWithin(dataset))
            .forEach(d -> assertThat(filter.selects(d)).as(context + ": " + d.value()).isTrue());
        assertThat(filter.selects(dataset.child("unnamed"))).as(context).isTrue();
      }
    }
  }

  @Test
  void overlapAgreesWithBruteForce() {
    List<DatasetName> universe = new ArrayList<>();
    TREE.forEach(
        n -> {
          universe.add(DatasetName.of(n));
          universe.add(DatasetName.of(n).child("unnamed"));
        });
    // A pool no rule names, which only the whole-host rule reaches.
    universe.add(DatasetName.of("unnamedpool"));
    universe.add(DatasetName.of("unnamedpool/child"));
    int overlapping = 0;
    for (long seed = 0; seed < SEEDS; seed++) {
      Random random = new Random(seed);
      FilesystemFilter a = randomFilter(random);
      FilesystemFilter b = randomFilter(random);
      boolean shared = universe.stream().anyMatch(d -> a.selects(d) && b.selects(d));
      overlapping += shared ? 1 : 0;
      assertThat(a.overlap(b).isPresent()).as("seed %d: %s and %s", seed, a, b).isEqualTo(shared);
    }
    // Both answers must come up often, or the comparison proves little.
    assertThat(overlapping).isBetween(SEEDS / 10, SEEDS - SEEDS / 10);
  }

  static Map<String, Boolean> ordered(Object... pairs) {
    Map<String, Boolean> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], (Boolean) pairs[i + 1]);
    }
    return out;
  }
}
