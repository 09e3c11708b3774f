package org.zfleet.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads {@code zfleet.node} (already merged over reference.conf) into a {@link NodeConfig}. */
final class NodeReader {

  static final int MANAGEMENT_PORT_OFFSET = 1000;
  static final int DATA_PLANE_PORT_OFFSET = 2000;
  static final int CONTROL_PORT_OFFSET = 3000;

  private NodeReader() {}

  static Optional<NodeConfig> read(ObjectReader node, String hostName) {
    int errorsBefore = node.problems().errorCount();
    node.rejectUnknownKeys(
        List.of(
            "name",
            "data-dir",
            "cluster",
            "tls",
            "control",
            "management",
            "data-plane",
            "limits",
            "zfs",
            "logging",
            "metrics"));
    String name = node.string("name").orElse(null);
    if (name == null && !node.has("name")) {
      name = hostName;
      String problem = JobConfig.nameProblem(name);
      if (problem != null) {
        node.errorHere(
            "the host name \""
                + hostName
                + "\" cannot be the node name ("
                + problem
                + "); set node.name");
      }
    } else if (name != null) {
      String problem = JobConfig.nameProblem(name);
      if (problem != null) {
        node.error("name", problem);
      }
    }
    Optional<Path> dataDir = absolutePath(node, "data-dir");
    if (dataDir.isEmpty() && !node.has("data-dir")) {
      node.missing("data-dir", "the directory where the node keeps its state");
    }

    NodeConfig.Cluster cluster = node.object("cluster").flatMap(NodeReader::cluster).orElse(null);
    NodeConfig.Tls tls = node.object("tls").flatMap(NodeReader::tls).orElse(null);
    NodeConfig.Control control = null;
    NodeConfig.Management management = null;
    NodeConfig.DataPlane dataPlane = null;
    if (cluster != null) {
      control = node.object("control").flatMap(c -> control(c, cluster.bind())).orElse(null);
      management =
          node.object("management").flatMap(m -> management(m, cluster.bind())).orElse(null);
      dataPlane = node.object("data-plane").flatMap(d -> dataPlane(d, cluster.bind())).orElse(null);
      checkPortsDiffer(node, cluster, management, dataPlane, control);
    }
    NodeConfig.Limits limits = node.object("limits").flatMap(NodeReader::limits).orElse(null);
    NodeConfig.Zfs zfs = node.object("zfs").flatMap(NodeReader::zfs).orElse(null);
    NodeConfig.Logging logging = node.object("logging").flatMap(NodeReader::logging).orElse(null);
    NodeConfig.Metrics metrics = node.object("metrics").flatMap(NodeReader::metrics).orElse(null);

    if (node.problems().errorCount() > errorsBefore) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new NodeConfig(
              name,
              dataDir.get(),
              cluster,
              tls,
              control,
              management,
              dataPlane,
              limits,
              zfs,
              logging,
              metrics));
    } catch (RuntimeException e) {
      node.errorHere(e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<NodeConfig.Cluster> cluster(ObjectReader cluster) {
    cluster.rejectUnknownKeys(List.of("bind", "seed-nodes", "roles"));
    Optional<HostPort> bind = cluster.parsed("bind", HostPort::parse);
    if (!cluster.has("bind")) {
      cluster.missing("bind", "the host:port this node listens on for the cluster");
    }
    List<HostPort> seeds = new ArrayList<>();
    boolean ok = true;
    for (ObjectReader.Element e : cluster.list("seed-nodes").orElse(List.of())) {
      try {
        seeds.add(HostPort.parse(String.valueOf(e.value().unwrapped())));
      } catch (IllegalArgumentException ex) {
        cluster.problems().error(e.location(), e.path(), ex.getMessage());
        ok = false;
      }
    }
    List<String> roles = cluster.stringList("roles").orElse(List.of());
    for (String role : roles) {
      String problem = JobConfig.nameProblem(role);
      if (problem != null) {
        cluster.error("roles", "invalid role: " + problem);
        ok = false;
      }
    }
    return bind.isPresent() && ok
        ? Optional.of(new NodeConfig.Cluster(bind.get(), seeds, roles))
        : Optional.empty();
  }

  private static Optional<NodeConfig.Tls> tls(ObjectReader tls) {
    tls.rejectUnknownKeys(List.of("ca", "cert", "key"));
    Optional<Path> ca = absolutePath(tls, "ca");
    Optional<Path> cert = absolutePath(tls, "cert");
    Optional<Path> key = absolutePath(tls, "key");
    if (cert.isPresent() != key.isPresent()) {
      tls.errorHere("cert and key go together: set both or neither");
      return Optional.empty();
    }
    return Optional.of(new NodeConfig.Tls(ca, cert, key));
  }

  private static Optional<NodeConfig.Control> control(ObjectReader control, HostPort cluster) {
    control.rejectUnknownKeys(List.of("port"));
    if (control.has("port")) {
      return control
          .integer("port", 1)
          .flatMap(p -> port(control, "port", p))
          .map(NodeConfig.Control::new);
    }
    int port = cluster.port() + CONTROL_PORT_OFFSET;
    if (port > 65535) {
      control.errorHere(
          "the default port (cluster port + " + CONTROL_PORT_OFFSET + ") exceeds 65535; set port");
      return Optional.empty();
    }
    return Optional.of(new NodeConfig.Control(port));
  }

  private static Optional<NodeConfig.Management> management(
      ObjectReader management, HostPort cluster) {
    management.rejectUnknownKeys(List.of("bind"));
    if (management.has("bind")) {
      return management.parsed("bind", HostPort::parse).map(NodeConfig.Management::new);
    }
    int port = cluster.port() + MANAGEMENT_PORT_OFFSET;
    if (port > 65535) {
      management.errorHere(
          "the default port (cluster port + "
              + MANAGEMENT_PORT_OFFSET
              + ") exceeds 65535; set bind");
      return Optional.empty();
    }
    return Optional.of(new NodeConfig.Management(new HostPort("127.0.0.1", port)));
  }

  private static Optional<NodeConfig.DataPlane> dataPlane(
      ObjectReader dataPlane, HostPort cluster) {
    dataPlane.rejectUnknownKeys(List.of("port", "advertise"));
    Optional<HostPort> advertise =
        dataPlane.has("advertise")
            ? dataPlane.parsed("advertise", HostPort::parse)
            : Optional.empty();
    if (dataPlane.has("advertise") && advertise.isEmpty()) {
      return Optional.empty();
    }
    if (dataPlane.has("port")) {
      return dataPlane
          .integer("port", 1)
          .flatMap(p -> port(dataPlane, "port", p))
          .map(p -> new NodeConfig.DataPlane(p, advertise));
    }
    int port = cluster.port() + DATA_PLANE_PORT_OFFSET;
    if (port > 65535) {
      dataPlane.errorHere(
          "the default port (cluster port + "
              + DATA_PLANE_PORT_OFFSET
              + ") exceeds 65535; set port");
      return Optional.empty();
    }
    return Optional.of(new NodeConfig.DataPlane(port, advertise));
  }

  private static void checkPortsDiffer(
      ObjectReader node,
      NodeConfig.Cluster cluster,
      NodeConfig.Management management,
      NodeConfig.DataPlane data,
      NodeConfig.Control control) {
    int clusterPort = cluster.bind().port();
    if (control != null && control.port() == clusterPort) {
      node.error("control", "control uses the cluster port " + clusterPort);
    }
    if (control != null
        && management != null
        && control.port() == management.bind().port()
        && management.bind().host().equals("127.0.0.1")) {
      node.error("control", "control and management share port " + control.port());
    }
    if (management != null && management.bind().port() == clusterPort) {
      node.error("management", "management uses the cluster port " + clusterPort);
    }
    if (data != null && data.port() == clusterPort) {
      node.error("data-plane", "the data plane uses the cluster port " + clusterPort);
    }
    if (data != null && management != null && data.port() == management.bind().port()) {
      node.error("data-plane", "the data plane and management share port " + data.port());
    }
  }

  private static Optional<NodeConfig.Limits> limits(ObjectReader limits) {
    limits.rejectUnknownKeys(List.of("zfs-commands", "transfers"));
    Optional<Integer> zfs = limits.integer("zfs-commands", 1);
    Optional<Integer> transfers = limits.integer("transfers", 1);
    if (!limits.has("zfs-commands")) {
      limits.missing("zfs-commands", "how many zfs commands may run at once");
    }
    if (!limits.has("transfers")) {
      limits.missing("transfers", "how many transfers may run at once");
    }
    return zfs.isPresent() && transfers.isPresent()
        ? Optional.of(new NodeConfig.Limits(zfs.get(), transfers.get()))
        : Optional.empty();
  }

  private static Optional<NodeConfig.Zfs> zfs(ObjectReader zfs) {
    zfs.rejectUnknownKeys(List.of("zfs-path", "zpool-path", "command-timeout"));
    Optional<String> zfsPath = nonBlank(zfs, "zfs-path");
    Optional<String> zpoolPath = nonBlank(zfs, "zpool-path");
    Optional<Duration> timeout = zfs.duration("command-timeout");
    if (zfsPath.isEmpty() || zpoolPath.isEmpty() || timeout.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new NodeConfig.Zfs(zfsPath.get(), zpoolPath.get(), timeout.get()));
  }

  static final java.util.Map<String, NodeConfig.Logging.Format> LOG_FORMATS =
      java.util.Map.of(
          "human", NodeConfig.Logging.Format.HUMAN, "json", NodeConfig.Logging.Format.JSON);

  private static Optional<NodeConfig.Logging> logging(ObjectReader logging) {
    logging.rejectUnknownKeys(List.of("format"));
    if (!logging.has("format")) {
      return logging.missing("format", "human or json");
    }
    return logging.choice("format", LOG_FORMATS).map(NodeConfig.Logging::new);
  }

  private static Optional<NodeConfig.Metrics> metrics(ObjectReader metrics) {
    metrics.rejectUnknownKeys(List.of("filesystem-series-limit"));
    if (!metrics.has("filesystem-series-limit")) {
      return metrics.missing(
          "filesystem-series-limit", "how many filesystems get series of their own");
    }
    return metrics.integer("filesystem-series-limit", 0).map(NodeConfig.Metrics::new);
  }

  private static Optional<String> nonBlank(ObjectReader reader, String key) {
    Optional<String> value = reader.string(key);
    if (value.isPresent() && value.get().isBlank()) {
      reader.error(key, "must not be empty");
      return Optional.empty();
    }
    if (value.isEmpty() && !reader.has(key)) {
      reader.missing(key, "a program name or path");
    }
    return value;
  }

  private static Optional<Integer> port(ObjectReader reader, String key, int port) {
    if (port > 65535) {
      reader.error(key, "a port lies in 1-65535, got " + port);
      return Optional.empty();
    }
    return Optional.of(port);
  }

  /** An absolute path, or empty (reported unless simply absent). */
  static Optional<Path> absolutePath(ObjectReader reader, String key) {
    return reader
        .string(key)
        .flatMap(
            text -> {
              if (!text.startsWith("/")) {
                reader.error(key, "must be an absolute path, got \"" + text + "\"");
                return Optional.empty();
              }
              if (text.indexOf('\0') >= 0) {
                reader.error(key, "contains a NUL character");
                return Optional.empty();
              }
              return Optional.of(Path.of(text).normalize());
            });
  }
}
