package org.zfleet.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads {@code pruning { … }} sections and their keep rules, and checks rules that keep nothing.
 */
final class PruningReader {

  static final Map<String, Pruning.Scope> SCOPES = new LinkedHashMap<>();
  private static final Map<String, String> RULE_TYPES =
      JobParts.linked(
          "grid", "grid", "last-n", "last-n", "regex", "regex", "not-replicated", "not-replicated");

  static {
    SCOPES.put("own", Pruning.Scope.OWN);
    SCOPES.put("all", Pruning.Scope.ALL);
  }

  /** Which side a keep list prunes; decides whether {@code not-replicated} makes sense. */
  enum Side {
    SENDER,
    RECEIVER,
    SNAP
  }

  /** A keep rule with the list element it was read from, for later warnings. */
  record ReadRule(KeepRule rule, ObjectReader.Element element) {}

  /** The keep lists of one pruning section, by key, and its scope. */
  record Section(Map<String, List<ReadRule>> lists, Pruning.Scope scope, ObjectReader reader) {
    Pruning pruning(String key) {
      return new Pruning(lists.get(key).stream().map(ReadRule::rule).toList(), scope);
    }
  }

  private PruningReader() {}

  /**
   * Reads {@code job.pruning} with the keep lists {@code keys} (each with its side); empty if
   * anything in it is wrong.
   */
  static Optional<Section> read(ObjectReader job, Map<String, Side> keys, JobDefaults defaults) {
    if (!job.has("pruning")) {
      return job.missing("pruning", "which snapshots to keep: " + String.join(", ", keys.keySet()));
    }
    Optional<ObjectReader> section = job.object("pruning");
    if (section.isEmpty()) {
      return Optional.empty();
    }
    ObjectReader p = section.get();
    int errorsBefore = p.problems().errorCount();
    List<String> allowed = new ArrayList<>(keys.keySet());
    allowed.add("scope");
    p.rejectUnknownKeys(
        allowed,
        key ->
            switch (key) {
              case "keep" ->
                  Optional.of(
                      "keep is for snap jobs; replicating jobs have keep-sender and keep-receiver");
              case "keep-sender", "keep-receiver" ->
                  Optional.of(key + " is for replicating jobs; a snap job has keep");
              default -> Optional.empty();
            });
    Pruning.Scope scope = p.choice("scope", SCOPES).orElse(defaults.scope());
    Map<String, List<ReadRule>> lists = new LinkedHashMap<>();
    keys.forEach((key, side) -> lists.put(key, keepList(p, key, side)));
    return p.problems().errorCount() > errorsBefore
        ? Optional.empty()
        : Optional.of(new Section(lists, scope, p));
  }

  private static List<ReadRule> keepList(ObjectReader p, String key, Side side) {
    if (!p.has(key)) {
      p.missing(key, "a list of keep rules, e.g. [ { type = last-n, count = 10 } ]");
      return List.of();
    }
    List<ReadRule> rules = new ArrayList<>();
    Optional<List<ObjectReader.Element>> elements = p.list(key);
    if (elements.isEmpty()) {
      return List.of();
    }
    if (elements.get().isEmpty()) {
      p.error(
          key,
          "keeps nothing: an empty list destroys every snapshot in scope; "
              + "to keep all, use [ { type = regex, regex = \".*\" } ]");
    }
    for (ObjectReader.Element e : elements.get()) {
      ObjectReader.of(e.value(), e.path(), e.location(), p.problems())
          .flatMap(r -> rule(r, side))
          .ifPresent(rule -> rules.add(new ReadRule(rule, e)));
    }
    return rules;
  }

  private static Optional<KeepRule> rule(ObjectReader r, Side side) {
    if (!r.has("type")) {
      r.rejectUnknownKeys(List.of("type", "grid", "count", "regex", "negate"));
      return r.missing("type", "grid, last-n, regex or not-replicated");
    }
    Optional<String> type = r.choice("type", RULE_TYPES);
    if (type.isEmpty()) {
      return Optional.empty();
    }
    int errorsBefore = r.problems().errorCount();
    switch (type.get()) {
      case "grid" -> r.rejectUnknownKeys(List.of("type", "grid", "regex"));
      case "last-n" -> r.rejectUnknownKeys(List.of("type", "count", "regex"));
      case "regex" -> r.rejectUnknownKeys(List.of("type", "regex", "negate"));
      default -> r.rejectUnknownKeys(List.of("type"));
    }
    switch (type.get()) {
      case "grid":
        {
          Optional<String> grid =
              r.has("grid")
                  ? r.string("grid")
                  : r.missing("grid", "e.g. \"1x1h(keep=all) | 24x1h | 30x1d\"");
          Optional<Pattern> regex =
              r.has("regex") ? regex(r, "regex") : Optional.of(Pattern.compile(".*"));
          Optional<List<KeepRule.GridInterval>> intervals =
              grid.flatMap(g -> r.parsed("grid", GridSpec::parse));
          if (r.problems().errorCount() > errorsBefore || intervals.isEmpty() || regex.isEmpty()) {
            return Optional.empty();
          }
          return Optional.of(new KeepRule.Grid(intervals.get(), regex.get(), grid.get().trim()));
        }
      case "last-n":
        {
          Optional<Integer> count =
              r.has("count")
                  ? r.integer("count", 1)
                  : r.missing("count", "how many to keep, e.g. 10");
          Optional<Pattern> regex = r.has("regex") ? regex(r, "regex") : Optional.empty();
          if (r.problems().errorCount() > errorsBefore) {
            return Optional.empty();
          }
          return Optional.of(new KeepRule.LastN(count.get(), regex));
        }
      case "regex":
        {
          Optional<Pattern> regex =
              r.has("regex") ? regex(r, "regex") : r.missing("regex", "e.g. \"^manual_\"");
          boolean negate = r.bool("negate").orElse(false);
          if (r.problems().errorCount() > errorsBefore) {
            return Optional.empty();
          }
          return Optional.of(new KeepRule.Regex(regex.get(), negate));
        }
      default:
        {
          if (side == Side.SNAP) {
            r.error("type", "not-replicated has no meaning in a snap job: it replicates nothing");
            return Optional.empty();
          }
          if (side == Side.RECEIVER) {
            r.error(
                "type", "not-replicated applies to the sending side only; use it in keep-sender");
            return Optional.empty();
          }
          return r.problems().errorCount() > errorsBefore
              ? Optional.empty()
              : Optional.of(new KeepRule.NotReplicated());
        }
    }
  }

  private static Optional<Pattern> regex(ObjectReader r, String key) {
    return r.string(key)
        .flatMap(
            text -> {
              try {
                return Optional.of(Pattern.compile(text));
              } catch (PatternSyntaxException e) {
                r.error(
                    key,
                    "invalid regex \""
                        + text
                        + "\": "
                        + e.getDescription()
                        + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
                return Optional.empty();
              }
            });
  }

  /**
   * With {@code scope = own} every snapshot in scope is named {@code <prefix><timestamp>}; a rule
   * whose regex matches no such name keeps nothing (a warning), and a list where every rule keeps
   * nothing destroys every snapshot the job makes (an error).
   */
  static void checkKeepsSomething(Section section, String key, Optional<String> prefix) {
    if (section.scope() != Pruning.Scope.OWN || prefix.isEmpty()) {
      return;
    }
    List<ReadRule> rules = section.lists().get(key);
    List<ReadRule> useless =
        rules.stream().filter(r -> keepsNothing(r.rule(), prefix.get())).toList();
    if (useless.isEmpty()) {
      return;
    }
    if (useless.size() == rules.size()) {
      section
          .reader()
          .error(
              key,
              "no rule keeps any snapshot named \""
                  + prefix.get()
                  + "…\": every snapshot of this job would be destroyed");
      return;
    }
    for (ReadRule r : useless) {
      section
          .reader()
          .problems()
          .warning(
              r.element().location(),
              r.element().path(),
              r.rule().describe()
                  + " keeps nothing: no snapshot of this job (prefix \""
                  + prefix.get()
                  + "\") matches");
    }
  }

  private static boolean keepsNothing(KeepRule rule, String prefix) {
    // Two timestamp layouts, so a rule anchored on either style counts as matching.
    List<String> samples = List.of(prefix + "20240102_030405_000", prefix + "20240102T030405Z");
    if (rule instanceof KeepRule.Grid g) {
      return samples.stream().noneMatch(s -> g.regex().matcher(s).find());
    }
    if (rule instanceof KeepRule.LastN n) {
      return n.regex().isPresent()
          && samples.stream().noneMatch(s -> n.regex().get().matcher(s).find());
    }
    if (rule instanceof KeepRule.Regex x) {
      return samples.stream().allMatch(s -> x.regex().matcher(s).find() == x.negate());
    }
    return false;
  }
}
