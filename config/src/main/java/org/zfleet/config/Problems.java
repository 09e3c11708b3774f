package org.zfleet.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the problems of one load, so every mistake is reported at once. */
final class Problems {

  private final List<ConfigProblem> problems = new ArrayList<>();

  void error(Location at, String path, String message) {
    problems.add(ConfigProblem.error(at.file(), at.line(), path, message));
  }

  void warning(Location at, String path, String message) {
    problems.add(ConfigProblem.warning(at.file(), at.line(), path, message));
  }

  int errorCount() {
    return (int) problems.stream().filter(ConfigProblem::isError).count();
  }

  /**
   * The problems in file and line order; problems on one line keep the order they were found in.
   */
  List<ConfigProblem> sorted() {
    List<ConfigProblem> out = new ArrayList<>(problems);
    out.sort(Comparator.comparing(ConfigProblem::file).thenComparingInt(ConfigProblem::line));
    return List.copyOf(out);
  }
}
