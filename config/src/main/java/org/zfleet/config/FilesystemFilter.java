package org.zfleet.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.zfleet.model.DatasetName;

/**
 * Which datasets a job works on, with zrepl's semantics: each rule names a dataset, alone or with
 * its whole subtree ({@code "tank/data<"}), or every dataset of the host ({@code "<"}), and
 * includes or excludes it. For a given dataset the most specific rule decides: a rule naming
 * exactly that dataset, otherwise the subtree rule with the deepest root above it ({@code "<"} lies
 * above every pool). A dataset no rule reaches is not selected.
 */
public record FilesystemFilter(List<Rule> rules) {

  /** The key of the rule for every dataset of the host, as zrepl writes it. */
  public static final String WHOLE_HOST = "<";

  /**
   * One {@code "name" = true|false}, {@code "name<" = true|false} or {@code "<" = true|false}
   * entry.
   *
   * @param dataset the dataset the rule names; empty for {@code "<"}, the whole host (always a
   *     subtree rule)
   */
  public record Rule(Optional<DatasetName> dataset, boolean subtree, boolean include) {
    public Rule {
      Objects.requireNonNull(dataset, "dataset");
      if (dataset.isEmpty() && !subtree) {
        throw new IllegalArgumentException("the whole host is a subtree rule");
      }
    }

    /** A rule naming {@code dataset}. */
    public Rule(DatasetName dataset, boolean subtree, boolean include) {
      this(Optional.of(dataset), subtree, include);
    }

    /**
     * Parses a filter key: a dataset name, with {@code <} after it for its subtree, or {@code <}
     * alone for every dataset of the host. Throws {@link IllegalArgumentException} if the name is
     * not one ZFS accepts.
     */
    public static Rule parse(String key, boolean include) {
      if (key.equals(WHOLE_HOST)) {
        return new Rule(Optional.empty(), true, include);
      }
      boolean subtree = key.endsWith("<");
      String name = subtree ? key.substring(0, key.length() - 1) : key;
      String problem = DatasetName.problem(name);
      if (problem != null) {
        throw new IllegalArgumentException("invalid dataset name \"" + name + "\": " + problem);
      }
      return new Rule(new DatasetName(name), subtree, include);
    }

    /** The key as written in the configuration. */
    public String key() {
      return dataset.map(d -> d.value() + (subtree ? "<" : "")).orElse(WHOLE_HOST);
    }

    /** True for {@code "<"}. */
    public boolean wholeHost() {
      return dataset.isEmpty();
    }

    /** True if the rule names {@code d} exactly (never for the whole host). */
    boolean names(DatasetName d) {
      return dataset.isPresent() && dataset.get().equals(d);
    }

    /** True if {@code d} lies within the rule's dataset (the host holds every dataset). */
    boolean covers(DatasetName d) {
      return dataset.map(d::isWithin).orElse(true);
    }

    /** True if the rule's dataset lies strictly below {@code d} (never for the whole host). */
    boolean strictlyBelow(DatasetName d) {
      return dataset.isPresent() && dataset.get().isWithin(d) && !dataset.get().equals(d);
    }

    /** Depth of the rule's dataset (a pool's is 0); the host lies above every pool. */
    int depth() {
      return dataset.map(DatasetName::depth).orElse(-1);
    }
  }

  /**
   * A dataset both filters select: {@code at} itself, or (if {@code below}) datasets under it; with
   * no {@code at}, datasets that no rule of either filter names, which both select by {@code "<"}.
   */
  public record Overlap(Optional<DatasetName> at, boolean below) {
    public Overlap(DatasetName at, boolean below) {
      this(Optional.of(at), below);
    }

    @Override
    public String toString() {
      if (at.isEmpty()) {
        return "every dataset no rule names";
      }
      return below ? "datasets below " + at.get() : at.get().toString();
    }
  }

  public FilesystemFilter {
    rules = List.copyOf(rules);
    Set<String> keys = new HashSet<>();
    for (Rule rule : rules) {
      if (!keys.add(rule.key())) {
        throw new IllegalArgumentException("filesystem filter names \"" + rule.key() + "\" twice");
      }
    }
  }

  /** A filter from configuration keys ({@code "tank/data<"}) and their include flags. */
  public static FilesystemFilter of(Map<String, Boolean> entries) {
    List<Rule> rules = new ArrayList<>();
    entries.forEach((key, include) -> rules.add(Rule.parse(key, include)));
    return new FilesystemFilter(rules);
  }

  /** The filter that selects {@code root} and everything below it. */
  public static FilesystemFilter subtree(DatasetName root) {
    return new FilesystemFilter(List.of(new Rule(root, true, true)));
  }

  /** True if the job works on {@code dataset}. */
  public boolean selects(DatasetName dataset) {
    Optional<Rule> direct =
        rules.stream().filter(r -> !r.subtree() && r.names(dataset)).findFirst();
    if (direct.isPresent()) {
      return direct.get().include();
    }
    return governingSubtreeRule(dataset).map(Rule::include).orElse(false);
  }

  /**
   * True if {@code dataset} and every dataset below it, now or created later, are selected, so a
   * recursive snapshot of it takes exactly the selected datasets.
   */
  public boolean selectsWholeSubtree(DatasetName dataset) {
    if (!selects(dataset) || !childrenByDefaultSelected(dataset)) {
      return false;
    }
    return rules.stream().noneMatch(r -> !r.include() && r.strictlyBelow(dataset));
  }

  /**
   * The minimal set of datasets to list recursively: every selected dataset lies within one of them
   * (but not every dataset within them is selected; filter the listing with {@link #selects}).
   * Sorted by name. Empty when {@code "<" = true} selects the whole host: then there is no root but
   * every pool, which is what a listing of no roots lists ({@code ZfsPort.list}).
   */
  public List<DatasetName> roots() {
    if (wholeHost()) {
      return List.of();
    }
    List<DatasetName> included =
        rules.stream()
            .filter(Rule::include)
            .flatMap(r -> r.dataset().stream())
            .distinct()
            .sorted(
                Comparator.comparingInt(DatasetName::depth)
                    .thenComparing(Comparator.naturalOrder()))
            .toList();
    List<DatasetName> roots = new ArrayList<>();
    for (DatasetName candidate : included) {
      if (roots.stream().noneMatch(candidate::isWithin)) {
        roots.add(candidate);
      }
    }
    roots.sort(Comparator.naturalOrder());
    return List.copyOf(roots);
  }

  /**
   * True if {@code "<" = true} includes every dataset of the host (less what other rules exclude):
   * the job lists every pool.
   */
  public boolean wholeHost() {
    return rules.stream().anyMatch(r -> r.wholeHost() && r.include());
  }

  /** True if no dataset at all is selected (every rule excludes). */
  public boolean selectsNothing() {
    return rules.stream().noneMatch(Rule::include);
  }

  /**
   * A dataset that both this filter and {@code other} select, if any. Every dataset behaves either
   * like a dataset some rule names, or like a child of one that no rule names; checking those two
   * kinds of candidates for each named dataset decides the question exactly.
   */
  public Optional<Overlap> overlap(FilesystemFilter other) {
    Set<DatasetName> named = new LinkedHashSet<>();
    rules.forEach(r -> r.dataset().ifPresent(named::add));
    other.rules.forEach(r -> r.dataset().ifPresent(named::add));
    List<DatasetName> sorted = new ArrayList<>(named);
    sorted.sort(
        Comparator.comparingInt(DatasetName::depth).thenComparing(Comparator.naturalOrder()));
    for (DatasetName candidate : sorted) {
      if (selects(candidate) && other.selects(candidate)) {
        return Optional.of(new Overlap(candidate, false));
      }
      if (childrenByDefaultSelected(candidate) && other.childrenByDefaultSelected(candidate)) {
        return Optional.of(new Overlap(candidate, true));
      }
    }
    // A dataset below no named one (a pool no rule names, say) is governed by "<" alone.
    if (wholeHost() && other.wholeHost()) {
      return Optional.of(new Overlap(Optional.empty(), true));
    }
    return Optional.empty();
  }

  /** Whether a child of {@code dataset} that no rule names is selected. */
  private boolean childrenByDefaultSelected(DatasetName dataset) {
    return governingSubtreeRule(dataset).map(Rule::include).orElse(false);
  }

  /** The subtree rule with the deepest root at or above {@code dataset}. */
  private Optional<Rule> governingSubtreeRule(DatasetName dataset) {
    return rules.stream()
        .filter(r -> r.subtree() && r.covers(dataset))
        .max(Comparator.comparingInt(Rule::depth));
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    for (Rule rule : rules) {
      out.append(out.length() > 1 ? ", " : "")
          .append('"')
          .append(rule.key())
          .append("\" = ")
          .append(rule.include());
    }
    return out.append('}').toString();
  }
}
