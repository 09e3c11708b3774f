package org.zfleet.config;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a job's {@code snapshotting} section: its type, prefix, schedule and hooks. */
final class SnapshottingReader {

  private static final Map<String, String> TYPES =
      JobParts.linked("periodic", "periodic", "cron", "cron", "manual", "manual");

  private SnapshottingReader() {}

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
    Optional<String> type = s.choice("type", TYPES);
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
            ? s.parsed("time-zone", SnapshottingReader::timeZone)
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
}
