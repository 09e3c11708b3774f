package org.zfleet.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds, for a converted zrepl job, the peers and clients zrepl names by address or identity:
 * zfleet names a peer job and its client nodes instead.
 */
final class ZreplPeers {

  private ZreplPeers() {}

  /**
   * A push's sink or a pull's source. zrepl connects to an address; zfleet names the peer job and
   * finds it in the cluster. A local connection names a job of the same file; otherwise the name is
   * a guess that the note asks the operator to check.
   */
  static void peer(
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
  static void clients(
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
