package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text exposition read back for assertions; every line must be valid. */
final class Exposition {

  private static final Pattern SAMPLE =
      Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})?"
              + " ([-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|Inf|NaN))( [0-9]+)?");

  final Map<String, Double> samples = new LinkedHashMap<>();

  private Exposition() {}

  static Exposition parse(String text) {
    Exposition e = new Exposition();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      assertThat(line).as("exposition line").doesNotStartWith("#  ");
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("valid sample line: %s", line).isTrue();
      e.samples.put(
          m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
    }
    return e;
  }

  boolean has(String name) {
    return samples.keySet().stream().anyMatch(k -> k.equals(name) || k.startsWith(name + "{"));
  }

  /** The sum of every sample of {@code name} whose labels contain each of {@code labels}. */
  OptionalDouble sum(String name, String... labels) {
    double total = 0;
    boolean any = false;
    for (var s : samples.entrySet()) {
      String key = s.getKey();
      if (!(key.equals(name) || key.startsWith(name + "{"))) {
        continue;
      }
      boolean all = true;
      for (String l : labels) {
        all &= key.contains(l);
      }
      if (all) {
        total += s.getValue();
        any = true;
      }
    }
    return any ? OptionalDouble.of(total) : OptionalDouble.empty();
  }
}
