package org.zfleet.config;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of loading a configuration: the validated configuration if there was no error, and
 * every problem found, errors and warnings, in file and line order.
 *
 * @param hocon the whole file, substitutions resolved, for settings other than zfleet's (such as
 *     {@code pekko { … }} overrides); empty if the file could not be read or parsed
 */
public record LoadResult(
    Optional<ZfleetConfig> config, List<ConfigProblem> problems, Optional<Config> hocon) {

  public LoadResult {
    Objects.requireNonNull(config, "config");
    problems = List.copyOf(problems);
    Objects.requireNonNull(hocon, "hocon");
    if (config.isPresent() && problems.stream().anyMatch(ConfigProblem::isError)) {
      throw new IllegalArgumentException("a configuration with errors cannot be valid");
    }
  }

  public List<ConfigProblem> errors() {
    return problems.stream().filter(ConfigProblem::isError).toList();
  }

  public List<ConfigProblem> warnings() {
    return problems.stream().filter(p -> !p.isError()).toList();
  }

  public boolean hasErrors() {
    return config.isEmpty();
  }
}
