package org.zfleet.config;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.zfleet.model.DatasetName;

/** Reads the sections jobs share: filesystems, snapshotting with hooks, names and datasets. */
final class JobParts {

  private static final Map<String, String> SNAPSHOTTING_TYPES =
      linked("periodic", "periodic", "cron", "cron", "manual", "manual");

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

  /** {@code snapshotting { type = periodic | cron | manual, … }}. */
  static Optional<Snapshotting> snapshotting(ObjectReader job, JobDefaults defaults) {
    if (!job.has("snapshotting")) {
      return job.missing(
          "snapshotting",
          "when to take snapshots, e.g. { type = periodic, prefix = \"zfleet_\", interval = 10m }");
    }
    Optional<ObjectReader> section = job.object("snapshotting");
    if (section.isEmpty()) {
      return Optional.empty();
    }
    ObjectReader s = section.get();
    if (!s.has("type")) {
      s.rejectUnknownKeys(List.of("type", "prefix", "interval", "cron", "time-zone", "hooks"));
      return s.missing("type", "periodic, cron or manual");
    }
    Optional<String> type = s.choice("type", SNAPSHOTTING_TYPES);
    if (type.isEmpty()) {
      return Optional.empty();
    }
    int errorsBefore = s.problems().errorCount();
    switch (type.get()) {
      case "periodic" ->
          s.rejectUnknownKeys(List.of("type", "prefix", "interval", "hooks"), k -> hint(k));
      case "cron" ->
          s.rejectUnknownKeys(
              List.of("type", "prefix", "cron", "time-zone", "hooks"), k -> hint(k));
      default -> s.rejectUnknownKeys(List.of("type", "prefix"), k -> hint(k));
    }
    Optional<String> prefix = prefix(s, !type.get().equals("manual"));
    if (type.get().equals("manual")) {
      return s.problems().errorCount() > errorsBefore
          ? Optional.empty()
          : Optional.of(new Snapshotting.Manual(prefix));
    }
    List<Hook> hooks = hooks(s, defaults);
    if (type.get().equals("periodic")) {
      Optional<Duration> interval =
          s.has("interval") ? s.duration("interval") : s.missing("interval", "e.g. 10m");
      return s.problems().errorCount() > errorsBefore
          ? Optional.empty()
          : Optional.of(new Snapshotting.Periodic(prefix.get(), interval.get(), hooks));
    }
    Optional<CronSpec> cron =
        s.has("cron")
            ? s.parsed("cron", CronSpec::parse)
            : s.missing("cron", "five fields, e.g. \"*/15 * * * *\"");
    // The node's zone by default: "0 3 * * *" means 03:00 on the clock of the host it runs on.
    Optional<ZoneId> zone =
        s.has("time-zone")
            ? s.parsed("time-zone", JobParts::timeZone)
            : Optional.of(ZoneId.systemDefault());
    return s.problems().errorCount() > errorsBefore
        ? Optional.empty()
        : Optional.of(new Snapshotting.Cron(prefix.get(), cron.get(), zone.get(), hooks));
  }

  /** A region ({@code Europe/Berlin}), {@code UTC}, or a fixed offset ({@code +02:00}). */
  private static ZoneId timeZone(String text) {
    try {
      return ZoneId.of(text.trim());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "unknown time zone \""
              + text
              + "\"; write a region such as \"Europe/Berlin\", \"UTC\", or an offset such as"
              + " \"+02:00\"");
    }
  }

  private static Optional<String> hint(String key) {
    return switch (key) {
      case "interval" -> Optional.of("interval belongs to type = periodic");
      case "cron" -> Optional.of("cron belongs to type = cron");
      case "time-zone" ->
          Optional.of("time-zone belongs to type = cron (only a cron schedule reads the clock)");
      case "hooks" ->
          Optional.of("hooks run around snapshots this job takes; manual snapshotting takes none");
      default -> Optional.empty();
    };
  }

  private static Optional<String> prefix(ObjectReader s, boolean required) {
    if (!s.has("prefix")) {
      return required
          ? s.missing("prefix", "the start of every snapshot name, e.g. \"zfleet_\"")
          : Optional.empty();
    }
    Optional<String> prefix = s.string("prefix");
    if (prefix.isPresent()) {
      String problem = Snapshotting.prefixProblem(prefix.get());
      if (problem != null) {
        s.error("prefix", problem);
        return Optional.empty();
      }
    }
    return prefix;
  }

  private static List<Hook> hooks(ObjectReader s, JobDefaults defaults) {
    List<Hook> hooks = new ArrayList<>();
    for (ObjectReader.Element e : s.list("hooks").orElse(List.of())) {
      ObjectReader.of(e.value(), e.path(), e.location(), s.problems())
          .flatMap(h -> hook(h, defaults))
          .ifPresent(hooks::add);
    }
    return hooks;
  }

  /**
   * A hook: {@code command} (zrepl's: the same program before and after the snapshot), or {@code
   * pre} and/or {@code post}.
   */
  private static Optional<Hook> hook(ObjectReader h, JobDefaults defaults) {
    int errorsBefore = h.problems().errorCount();
    h.rejectUnknownKeys(List.of("command", "pre", "post", "timeout", "err-is-fatal"));
    Optional<List<String>> command = command(h, "command");
    Optional<List<String>> pre = command(h, "pre");
    Optional<List<String>> post = command(h, "post");
    if (command.isPresent() && (pre.isPresent() || post.isPresent())) {
      h.error(
          "command",
          "give either command (run before and after the snapshot) or pre and post, not both");
    } else if (command.isEmpty()
        && pre.isEmpty()
        && post.isEmpty()
        && h.problems().errorCount() == errorsBefore) {
      h.missing(
          "command",
          "the program to run before and after the snapshot, e.g. \"/usr/local/bin/flush-db\""
              + " or [\"/bin/sync\"] (or pre and post for different ones)");
    }
    Duration timeout = h.duration("timeout").orElse(defaults.hookTimeout());
    boolean fatal = h.bool("err-is-fatal").orElse(defaults.hookErrIsFatal());
    if (h.problems().errorCount() > errorsBefore) {
      return Optional.empty();
    }
    return Optional.of(
        command.isPresent()
            ? new Hook(command.get(), timeout, fatal)
            : new Hook(pre, post, timeout, fatal));
  }

  /** A program path, or [ program, arg, … ]; empty when the key is not there. */
  private static Optional<List<String>> command(ObjectReader h, String key) {
    int errorsBefore = h.problems().errorCount();
    ConfigValue value = h.value(key);
    if (value == null) {
      return Optional.empty();
    }
    List<String> command;
    if (value.valueType() == ConfigValueType.LIST) {
      command = h.stringList(key).orElse(List.of());
    } else {
      command = h.string(key).map(List::of).orElse(List.of());
    }
    if ((command.isEmpty() || command.get(0).isBlank())
        && h.problems().errorCount() == errorsBefore) {
      h.error(key, "must not be empty");
    }
    return h.problems().errorCount() > errorsBefore ? Optional.empty() : Optional.of(command);
  }

  /** A job name in {@code key}: required and valid. */
  static Optional<String> jobName(ObjectReader reader, String key, String what) {
    Optional<String> name = reader.requiredString(key, what);
    if (name.isPresent()) {
      String problem = JobConfig.nameProblem(name.get());
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
