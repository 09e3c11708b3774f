package org.zfleet.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Converts one zrepl job, and finds the peers and clients zrepl names by address or identity. */
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
        peer(ctx, job, where, all, "sink");
        ZreplSections.filesystems(ctx, job.get("filesystems"), where + ".filesystems");
        send(ctx, job.get("send"), where + ".send");
        ZreplSections.snapshotting(ctx, job.get("snapshotting"), where + ".snapshotting");
        ZreplSections.pruning(
            ctx, job.get("pruning"), where + ".pruning", List.of("keep_sender", "keep_receiver"));
        ZreplSections.replication(ctx, job, where, "send");
      }
      case "sink" -> {
        w.string("root-fs", Yamls.string(job.get("root_fs")).orElse(""));
        clients(ctx, job, where, all);
        options(ctx, job.get("recv"), where + ".recv");
      }
      case "pull" -> {
        peer(ctx, job, where, all, "source");
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
        clients(ctx, job, where, all);
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

  /**
   * A push's sink or a pull's source. zrepl connects to an address; zfleet names the peer job and
   * finds it in the cluster. A local connection names a job of the same file; otherwise the name is
   * a guess that the note asks the operator to check.
   */
  private static void peer(
      ZreplImport.Context ctx,
      Map<String, Object> job,
      String where,
      List<Map<String, Object>> all,
      String key) {
    Map<String, Object> connect = Yamls.map(job.get("connect"));
    String type = Yamls.string(connect.get("type")).orElse("");
    String peerType = key.equals("sink") ? "sink" : "source";
    if (type.equals("local")) {
      String listener = Yamls.string(connect.get("listener_name")).orElse("");
      for (Map<String, Object> other : all) {
        Map<String, Object> serve = Yamls.map(other.get("serve"));
        if (peerType.equals(other.get("type"))
            && "local".equals(serve.get("type"))
            && listener.equals(Yamls.string(serve.get("listener_name")).orElse(null))) {
          ctx.writer.string(key, Yamls.name(Yamls.string(other.get("name")).orElse(peerType)));
          return;
        }
      }
    }
    String address =
        Yamls.string(connect.get("address")).or(() -> Yamls.string(connect.get("host"))).orElse("");
    String hint = Yamls.string(connect.get("server_cn")).orElse(host(address));
    String guess = Yamls.name(hint.isEmpty() ? peerType : hint);
    String transport =
        switch (type) {
          case "ssh+stdinserver" ->
              "zfleet has no ssh transport: run a zfleet node on "
                  + (address.isEmpty() ? "the peer" : address)
                  + " and let the nodes replicate over the cluster";
          case "local" ->
              "no local " + peerType + " job listens on that listener_name in this file";
          default ->
              "zfleet nodes replicate over the cluster and find the "
                  + peerType
                  + " job by name, so the "
                  + "address and certificates are not needed";
        };
    ctx.note(
        where + ".connect",
        "type "
            + type
            + (address.isEmpty() ? "" : " to " + address)
            + ": "
            + transport
            + "; \""
            + guess
            + "\" is a guess: set "
            + key
            + " to the name of the "
            + peerType
            + " job");
    ctx.writer.string(key, guess);
  }

  /** A sink's or source's clients: zrepl's client identities, which zfleet takes as node names. */
  private static void clients(
      ZreplImport.Context ctx,
      Map<String, Object> job,
      String where,
      List<Map<String, Object>> all) {
    Map<String, Object> serve = Yamls.map(job.get("serve"));
    String type = Yamls.string(serve.get("type")).orElse("");
    Set<String> identities = new LinkedHashSet<>();
    switch (type) {
      case "tls" ->
          Yamls.list(serve.get("client_cns")).forEach(c -> identities.add(String.valueOf(c)));
      case "tcp" ->
          Yamls.map(serve.get("clients")).values().forEach(c -> identities.add(String.valueOf(c)));
      case "stdinserver" ->
          Yamls.list(serve.get("client_identities"))
              .forEach(c -> identities.add(String.valueOf(c)));
      case "local" -> {
        String listener = Yamls.string(serve.get("listener_name")).orElse("");
        for (Map<String, Object> other : all) {
          Map<String, Object> connect = Yamls.map(other.get("connect"));
          if ("local".equals(connect.get("type"))
              && listener.equals(Yamls.string(connect.get("listener_name")).orElse(null))) {
            Yamls.string(connect.get("client_identity")).ifPresent(identities::add);
          }
        }
      }
      default -> {}
    }
    List<String> clients = new ArrayList<>();
    for (String identity : identities) {
      if (identity.contains("*")) {
        ctx.note(
            where + ".serve",
            "client identity \""
                + identity
                + "\" is a wildcard; zfleet names each client node; left out");
      } else {
        String name = Yamls.name(identity);
        if (!name.equals(identity)) {
          ctx.note(
              where + ".serve",
              "client identity \"" + identity + "\" became node name \"" + name + "\"");
        }
        clients.add(name);
      }
    }
    if (!type.equals("local")) {
      ctx.note(
          where + ".serve",
          "type "
              + type
              + (serve.containsKey("listen") ? " on " + serve.get("listen") : "")
              + ": zfleet nodes accept their peers over the cluster, so the listen address and certificates are not "
              + "needed; the client identities became clients (zfleet node names: check they match)");
    }
    if (clients.isEmpty()) {
      ctx.note(where + ".serve", "no client identity found; list the client node names in clients");
    }
    ctx.writer.strings("clients", clients);
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
    if (flags.values().stream().noneMatch("true"::equals)) {
      return;
    }
    ctx.writer.open("send");
    for (String key : SendOptions.KEYS) {
      if ("true".equals(flags.get(key))) {
        ctx.writer.raw(key, "true");
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

  static String host(String address) {
    String a = address.trim();
    if (a.startsWith("[")) {
      int close = a.indexOf(']');
      return close > 0 ? a.substring(1, close) : a;
    }
    int colon = a.lastIndexOf(':');
    String host = colon >= 0 && a.indexOf(':') == colon ? a.substring(0, colon) : a;
    int at = host.indexOf('@');
    return at >= 0 ? host.substring(at + 1) : host;
  }
}
