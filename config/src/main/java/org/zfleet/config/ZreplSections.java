package org.zfleet.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Converts the sections zrepl jobs share: filesystems, snapshotting, pruning and replication. */
final class ZreplSections {

  private ZreplSections() {}

  static void filesystems(ZreplImport.Context ctx, Object section, String where) {
    HoconWriter w = ctx.writer;
    w.open("filesystems");
    for (Map.Entry<String, Object> entry : Yamls.map(section).entrySet()) {
      String key = entry.getKey();
      String at = where + ".\"" + key + "\"";
      if (!(entry.getValue() instanceof Boolean include)) {
        ctx.note(at, "value \"" + entry.getValue() + "\" is not true or false; left out");
        continue;
      }
      try {
        FilesystemFilter.Rule.parse(key, include);
        w.raw(key, include.toString());
      } catch (IllegalArgumentException e) {
        ctx.note(at, e.getMessage() + "; left out");
      }
    }
    w.close();
  }

  static void snapshotting(ZreplImport.Context ctx, Object section, String where) {
    Map<String, Object> s = Yamls.map(section);
    String type = Yamls.string(s.get("type")).orElse("manual");
    HoconWriter w = ctx.writer;
    w.open("snapshotting");
    w.raw("type", type.equals("periodic") || type.equals("cron") ? type : "manual");
    if (!List.of("periodic", "cron", "manual").contains(type)) {
      ctx.note(
          where + ".type",
          "snapshotting type \"" + type + "\" has no zfleet equivalent; written as manual");
    }
    for (Map.Entry<String, Object> entry : s.entrySet()) {
      String key = entry.getKey();
      Object value = entry.getValue();
      switch (key) {
        case "type" -> {}
        case "prefix" -> w.string("prefix", String.valueOf(value));
        case "interval" -> {
          Optional<String> d = Yamls.duration(value);
          if (d.isEmpty()) {
            ctx.note(where + ".interval", "\"" + value + "\" is not a duration; written as is");
          }
          w.raw("interval", d.orElse(Values.quote(String.valueOf(value))));
        }
        case "cron" -> w.string("cron", String.valueOf(value));
        case "hooks" -> hooks(ctx, value, where + ".hooks");
        case "timestamp_format", "timestamp_location" ->
            ctx.note(
                where + "." + key,
                "zfleet names snapshots <prefix><UTC timestamp> in one fixed format; not carried over");
        default ->
            ctx.note(
                where + "." + key,
                "not a zrepl snapshotting setting zfleet knows; not carried over");
      }
    }
    w.close();
  }

  private static void hooks(ZreplImport.Context ctx, Object value, String where) {
    List<String> elements = new ArrayList<>();
    List<?> hooks = Yamls.list(value);
    for (int i = 0; i < hooks.size(); i++) {
      Map<String, Object> hook = Yamls.map(hooks.get(i));
      String at = where + "[" + i + "]";
      String type = Yamls.string(hook.get("type")).orElse("");
      if (!type.equals("command")) {
        ctx.note(
            at,
            "hook type \"" + type + "\" is not supported; use a command hook that does the same");
        continue;
      }
      StringBuilder e =
          new StringBuilder("{ command = ")
              .append(Values.quote(Yamls.string(hook.get("path")).orElse("")));
      if (hook.containsKey("timeout")) {
        e.append(", timeout = ")
            .append(
                Yamls.duration(hook.get("timeout"))
                    .orElse(Values.quote(String.valueOf(hook.get("timeout")))));
      }
      if (hook.get("err_is_fatal") instanceof Boolean fatal) {
        e.append(", err-is-fatal = ").append(fatal);
      }
      if (hook.containsKey("filesystems")) {
        ctx.note(
            at + ".filesystems",
            "zfleet runs a hook once for all the filesystems of the job (ZFLEET_FILESYSTEMS names"
                + " them); the hook's own filter is not carried over");
      }
      ctx.note(
          at,
          "runs before and after the snapshot as in zrepl, but once for all the job's filesystems"
              + " with ZFLEET_* variables (ZFLEET_HOOK=pre|post for ZREPL_HOOKTYPE,"
              + " ZFLEET_FILESYSTEMS for ZREPL_FS, ZFLEET_SNAPSHOT for ZREPL_SNAPNAME); check the"
              + " script");
      elements.add(e.append(" }").toString());
    }
    if (!elements.isEmpty()) {
      ctx.writer.openList("hooks");
      elements.forEach(ctx.writer::element);
      ctx.writer.closeList();
    }
  }

  static void pruning(ZreplImport.Context ctx, Object section, String where, List<String> lists) {
    Map<String, Object> p = Yamls.map(section);
    HoconWriter w = ctx.writer;
    w.open("pruning");
    w.comment(
        "zrepl prunes every snapshot of a filesystem, not only the job's own: scope = all keeps that.");
    w.raw("scope", "all");
    for (String key : p.keySet()) {
      if (!lists.contains(key)) {
        ctx.note(where + "." + key, "not a keep list of this job type; not carried over");
      }
    }
    for (String list : lists) {
      w.openList(list.replace('_', '-'));
      List<?> rules = Yamls.list(p.get(list));
      for (int i = 0; i < rules.size(); i++) {
        rule(ctx, Yamls.map(rules.get(i)), where + "." + list + "[" + i + "]")
            .ifPresent(w::element);
      }
      w.closeList();
    }
    w.close();
  }

  private static Optional<String> rule(
      ZreplImport.Context ctx, Map<String, Object> rule, String where) {
    String type = Yamls.string(rule.get("type")).orElse("");
    Optional<String> regex = Yamls.string(rule.get("regex"));
    if (regex.isPresent()) {
      try {
        Pattern.compile(regex.get());
      } catch (PatternSyntaxException e) {
        ctx.note(
            where + ".regex",
            "\"" + regex.get() + "\" is not a Java regex (" + e.getDescription() + "); check it");
      }
    }
    String r = regex.map(x -> ", regex = " + Values.quote(x)).orElse("");
    switch (type) {
      case "not_replicated":
        if (Boolean.FALSE.equals(rule.get("keep_snapshot_at_cursor"))) {
          ctx.note(
              where + ".keep_snapshot_at_cursor",
              "zfleet always keeps the snapshot at the replication cursor");
        }
        return Optional.of("{ type = not-replicated }");
      case "last_n":
        return Optional.of("{ type = last-n, count = " + rule.get("count") + r + " }");
      case "grid":
        try {
          GridSpec.parse(String.valueOf(rule.get("grid")));
        } catch (IllegalArgumentException e) {
          ctx.note(where + ".grid", e.getMessage() + "; check it");
        }
        return Optional.of(
            "{ type = grid, grid = " + Values.quote(String.valueOf(rule.get("grid"))) + r + " }");
      case "regex":
        return Optional.of(
            "{ type = regex"
                + r
                + (Boolean.TRUE.equals(rule.get("negate")) ? ", negate = true" : "")
                + " }");
      default:
        ctx.note(where, "keep rule type \"" + type + "\" has no zfleet equivalent; left out");
        return Optional.empty();
    }
  }

  /** zrepl's replication, conflict_resolution and bandwidth limit, as one replication section. */
  static void replication(
      ZreplImport.Context ctx, Map<String, Object> job, String where, String limitSection) {
    List<String[]> values = new ArrayList<>();
    Map<String, Object> replication = Yamls.map(job.get("replication"));
    for (Map.Entry<String, Object> entry : replication.entrySet()) {
      if (entry.getKey().equals("concurrency")) {
        Map<String, Object> concurrency = Yamls.map(entry.getValue());
        if (concurrency.get("steps") != null) {
          values.add(new String[] {"concurrency", String.valueOf(concurrency.get("steps"))});
        }
        if (concurrency.containsKey("size_estimates")) {
          ctx.note(
              where + ".replication.concurrency.size_estimates",
              "zfleet does not size transfers up front; not carried over");
        }
      } else if (entry.getKey().equals("protection")) {
        ctx.note(
            where + ".replication.protection",
            "zfleet guards the replication cursor with holds of its own; not carried over");
      } else {
        ctx.note(
            where + ".replication." + entry.getKey(),
            "not a zrepl replication setting zfleet knows; not carried over");
      }
    }
    Object max = Yamls.map(Yamls.map(job.get(limitSection)).get("bandwidth_limit")).get("max");
    if (max != null && !String.valueOf(max).trim().startsWith("-")) {
      values.add(new String[] {"bandwidth-limit", Values.quote(String.valueOf(max).trim() + "/s")});
    }
    Map<String, Object> bandwidth =
        Yamls.map(Yamls.map(job.get(limitSection)).get("bandwidth_limit"));
    if (bandwidth.containsKey("bucket_capacity")) {
      ctx.note(
          where + "." + limitSection + ".bandwidth_limit.bucket_capacity",
          "zfleet limits the rate only; not carried over");
    }
    Object initial = Yamls.map(job.get("conflict_resolution")).get("initial_replication");
    if (initial != null) {
      values.add(new String[] {"initial-replication", String.valueOf(initial).replace('_', '-')});
    }
    if (!values.isEmpty()) {
      ctx.writer.open("replication");
      values.forEach(v -> ctx.writer.raw(v[0], v[1]));
      ctx.writer.close();
    }
  }
}
