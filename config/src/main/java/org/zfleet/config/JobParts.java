package org.zfleet.config;

import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.zfleet.model.DatasetName;

/**
 * Reads the sections jobs share: filesystems, send options, names and datasets ({@link
 * SnapshottingReader} reads snapshotting and its hooks).
 */
final class JobParts {

  private JobParts() {}

  /** {@code filesystems { "pool/fs<" = true, … }}, keys read literally. */
  static Optional<FilesystemFilter> filesystems(ObjectReader job) {
    if (!job.has("filesystems")) {
      return job.missing(
          "filesystems", "which datasets the job works on, e.g. { \"tank/data<\" = true }");
    }
    Optional<ObjectReader> section = job.object("filesystems");
    if (section.isEmpty()) {
      return Optional.empty();
    }
    ObjectReader fs = section.get();
    List<FilesystemFilter.Rule> rules = new ArrayList<>();
    boolean ok = true;
    for (Map.Entry<String, ConfigValue> entry : fs.entriesInFileOrder().entrySet()) {
      String key = entry.getKey();
      Optional<Boolean> include = fs.bool(key);
      if (include.isEmpty()) {
        ok = false;
        continue;
      }
      try {
        rules.add(FilesystemFilter.Rule.parse(key, include.get()));
      } catch (IllegalArgumentException e) {
        fs.error(key, e.getMessage());
        ok = false;
      }
    }
    if (!ok) {
      return Optional.empty();
    }
    FilesystemFilter filter = new FilesystemFilter(rules);
    if (filter.selectsNothing()) {
      fs.errorHere(
          rules.isEmpty()
              ? "selects no dataset; add e.g. \"tank/data<\" = true"
              : "selects no dataset: every entry is false");
      return Optional.empty();
    }
    return Optional.of(filter);
  }

  /** A job name in {@code key}: required and valid. */
  static Optional<String> jobName(ObjectReader reader, String key, String what) {
    Optional<String> name = reader.requiredString(key, what);
    if (name.isPresent()) {
      String problem = JobConfig.nameProblem(name.get());
      if (problem == null && name.get().startsWith(JobConfig.RESERVED_PREFIX)) {
        problem =
            "\""
                + name.get()
                + "\" starts with \""
                + JobConfig.RESERVED_PREFIX
                + "\", which zfleet keeps for the streams of restores";
      }
      if (problem != null) {
        reader.error(key, problem);
        return Optional.empty();
      }
    }
    return name;
  }

  /**
   * A job on another node, written {@code job} or {@code job@node}: the node that must run it, or
   * empty to pin the node that first offers it.
   */
  record JobAt(String job, Optional<String> node) {}

  /** {@code job} or {@code job@node}, both valid names; the error names the key's line. */
  static Optional<JobAt> jobAt(ObjectReader reader, String key, String text) {
    int at = text.indexOf('@');
    String job = at < 0 ? text : text.substring(0, at);
    Optional<String> node = at < 0 ? Optional.empty() : Optional.of(text.substring(at + 1));
    String problem = JobConfig.nameProblem(job);
    if (problem == null && node.isPresent()) {
      String nodeProblem = JobConfig.nameProblem(node.get());
      problem =
          nodeProblem == null
              ? null
              : "node after '@': " + nodeProblem + " (write the job, or job@node)";
    }
    if (problem != null) {
      reader.error(key, problem);
      return Optional.empty();
    }
    return Optional.of(new JobAt(job, node));
  }

  /** A non-empty list of distinct jobs on other nodes: {@code job} or {@code job@node} each. */
  static Optional<List<JobAt>> jobsAt(ObjectReader reader, String key, String what) {
    if (!reader.has(key)) {
      return reader.missing(key, what);
    }
    Optional<List<String>> texts = reader.stringList(key);
    if (texts.isEmpty()) {
      return Optional.empty();
    }
    if (texts.get().isEmpty()) {
      reader.error(key, "must name at least one: " + what);
      return Optional.empty();
    }
    List<JobAt> jobs = new java.util.ArrayList<>();
    for (String text : texts.get()) {
      Optional<JobAt> job = jobAt(reader, key, text);
      if (job.isEmpty()) {
        return Optional.empty();
      }
      if (jobs.stream().anyMatch(j -> j.job().equals(job.get().job()))) {
        reader.error(key, "names \"" + job.get().job() + "\" twice");
        return Optional.empty();
      }
      jobs.add(job.get());
    }
    return Optional.of(List.copyOf(jobs));
  }

  /** A non-empty list of valid, distinct names (clients, sinks). */
  static Optional<List<String>> names(ObjectReader reader, String key, String what) {
    if (!reader.has(key)) {
      return reader.missing(key, what);
    }
    Optional<List<String>> names = reader.stringList(key);
    if (names.isEmpty()) {
      return names;
    }
    if (names.get().isEmpty()) {
      reader.error(key, "must name at least one: " + what);
      return Optional.empty();
    }
    for (String name : names.get()) {
      String problem = JobConfig.nameProblem(name);
      if (problem != null) {
        reader.error(key, problem);
        return Optional.empty();
      }
      if (names.get().indexOf(name) != names.get().lastIndexOf(name)) {
        reader.error(key, "names \"" + name + "\" twice");
        return Optional.empty();
      }
    }
    return names;
  }

  /** A dataset name in {@code key}: required and one ZFS accepts. */
  static Optional<DatasetName> dataset(ObjectReader reader, String key, String what) {
    Optional<String> text = reader.requiredString(key, what);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String problem = DatasetName.problem(text.get());
    if (problem != null) {
      reader.error(key, "invalid dataset name \"" + text.get() + "\": " + problem);
      return Optional.empty();
    }
    return Optional.of(new DatasetName(text.get()));
  }

  static Map<String, String> linked(String... pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return out;
  }
}
