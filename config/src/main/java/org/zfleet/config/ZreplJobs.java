package org.zfleet.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Converts one zrepl job; the peers and clients zrepl names by address or identity are found by
 * {@link ZreplPeers}.
 */
final class ZreplJobs {

  private static final Map<String, List<String>> KEYS =
      Map.of(
          "push",
              List.of(
                  "name",
                  "type",
                  "connect",
                  "filesystems",
                  "send",
                  "snapshotting",
                  "pruning",
                  "replication",
                  "conflict_resolution"),
          "sink", List.of("name", "type", "serve", "root_fs", "recv"),
          "pull",
              List.of(
                  "name",
                  "type",
                  "connect",
                  "root_fs",
                  "interval",
                  "recv",
                  "pruning",
                  "replication",
                  "conflict_resolution"),
          "source", List.of("name", "type", "serve", "filesystems", "send", "snapshotting"),
          "snap", List.of("name", "type", "filesystems", "snapshotting", "pruning"));

  private ZreplJobs() {}

  static void convert(
      ZreplImport.Context ctx,
      Map<String, Object> job,
      String where,
      List<Map<String, Object>> all) {
    HoconWriter w = ctx.writer;
    String type = Yamls.string(job.get("type")).orElse("");
    Optional<String> zreplName = Yamls.string(job.get("name"));
    if (!KEYS.containsKey(type)) {
      ctx.note(
          where,
          "job "
              + zreplName.orElse("(unnamed)")
              + " of type \""
              + type
              + "\" has no zfleet equivalent; left out");
      return;
    }
    w.openElement();
    String name = Yamls.name(zreplName.orElse(type + "_job"));
    if (zreplName.isEmpty() || !name.equals(zreplName.get())) {
      ctx.note(
          where + ".name",
          "\""
              + zreplName.orElse("")
              + "\" is not a valid zfleet job name; named \""
              + name
              + "\"");
    }
    w.string("name", name);
    w.raw("type", type);
    for (String key : job.keySet()) {
      if (!KEYS.get(type).contains(key)) {
        ctx.note(
            where + "." + key,
            "not a zrepl setting zfleet knows for " + type + " jobs; not carried over");
      }
    }
    switch (type) {
      case "push" -> {
        ZreplPeers.peer(ctx, job, where, all, "sink");
        ZreplSections.filesystems(ctx, job.get("filesystems"), where + ".filesystems");
        send(ctx, job.get("send"), where + ".send");
        ZreplSections.snapshotting(ctx, job.get("snapshotting"), where + ".snapshotting");
        ZreplSections.pruning(
            ctx, job.get("pruning"), where + ".pruning", List.of("keep_sender", "keep_receiver"));
        ZreplSections.replication(ctx, job, where, "send");
      }
      case "sink" -> {
        w.string("root-fs", Yamls.string(job.get("root_fs")).orElse(""));
        ZreplPeers.clients(ctx, job, where, all);
        options(ctx, job.get("recv"), where + ".recv");
      }
      case "pull" -> {
        ZreplPeers.peer(ctx, job, where, all, "source");
        w.string("root-fs", Yamls.string(job.get("root_fs")).orElse(""));
        Object interval = job.get("interval");
        if ("manual".equals(interval)) {
          w.raw("interval", "manual");
        } else {
          Optional<String> d = Yamls.duration(interval);
          if (d.isEmpty()) {
            ctx.note(where + ".interval", "\"" + interval + "\" is not a duration; written as is");
          }
          w.raw("interval", d.orElse(Values.quote(String.valueOf(interval))));
        }
        options(ctx, job.get("recv"), where + ".recv");
        ZreplSections.pruning(
            ctx, job.get("pruning"), where + ".pruning", List.of("keep_sender", "keep_receiver"));
        ZreplSections.replication(ctx, job, where, "recv");
      }
      case "source" -> {
        ZreplPeers.clients(ctx, job, where, all);
        ZreplSections.filesystems(ctx, job.get("filesystems"), where + ".filesystems");
        send(ctx, job.get("send"), where + ".send");
        ZreplSections.snapshotting(ctx, job.get("snapshotting"), where + ".snapshotting");
      }
      default -> {
        ZreplSections.filesystems(ctx, job.get("filesystems"), where + ".filesystems");
        ZreplSections.snapshotting(ctx, job.get("snapshotting"), where + ".snapshotting");
        ZreplSections.pruning(ctx, job.get("pruning"), where + ".pruning", List.of("keep"));
      }
    }
    w.close();
  }

  /** zrepl's send options with a zfleet equivalent, by zrepl name: the zfleet key of each. */
  private static final Map<String, String> SEND_FLAGS =
      Map.of(
          "compressed", "compressed",
          "large_blocks", "large-blocks",
          "embedded_data", "embedded-data",
          "raw", "raw");

  /**
   * zrepl's send options: the stream flags become zfleet's {@code send} section (in zfleet's key
   * order), the bandwidth limit goes to the replication section, the rest are notes.
   */
  private static void send(ZreplImport.Context ctx, Object section, String where) {
    Map<String, String> flags = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Object> option : Yamls.map(section).entrySet()) {
      String key = option.getKey();
      String zfleetKey = SEND_FLAGS.get(key);
      Object value = option.getValue();
      if (zfleetKey != null && (value instanceof Boolean || value == null)) {
        flags.put(zfleetKey, String.valueOf(Boolean.TRUE.equals(value)));
      } else if (zfleetKey != null) {
        ctx.note(where + "." + key, "\"" + value + "\" is not true or false; not carried over");
      } else if (!key.equals("bandwidth_limit")) {
        ctx.note(where + "." + key, "zfleet has no such send option; not carried over");
      }
    }
    // zrepl sends plain unless told raw; zfleet's default (auto) sends encrypted filesystems raw,
    // so an explicit "raw: false" stays off.
    boolean rawOff = "false".equals(flags.get("raw"));
    if (flags.values().stream().noneMatch("true"::equals) && !rawOff) {
      return;
    }
    ctx.writer.open("send");
    for (String key : SendOptions.KEYS) {
      if ("true".equals(flags.get(key))) {
        ctx.writer.raw(key, key.equals("raw") ? "on" : "true");
      } else if (key.equals("raw") && rawOff) {
        ctx.writer.raw(key, "off");
      }
    }
    ctx.writer.close();
  }

  /** zrepl's receive options: only the bandwidth limit has a zfleet equivalent. */
  private static void options(ZreplImport.Context ctx, Object section, String where) {
    for (Map.Entry<String, Object> option : Yamls.map(section).entrySet()) {
      if (!option.getKey().equals("bandwidth_limit")) {
        ctx.note(
            where + "." + option.getKey(),
            "zfleet has no per-job receive options yet; not carried over");
      }
    }
  }
}
