package org.zfleet.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code zfleet.node} (already merged over reference.conf) into a {@link NodeConfig}; {@link
 * NodeNetworkReader} reads its cluster and listener sections.
 */
final class NodeReader {

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

    NodeConfig.Cluster cluster =
        node.object("cluster").flatMap(NodeNetworkReader::cluster).orElse(null);
    NodeConfig.Tls tls = node.object("tls").flatMap(NodeReader::tls).orElse(null);
    NodeConfig.Control control = null;
    NodeConfig.Management management = null;
    NodeConfig.DataPlane dataPlane = null;
    if (cluster != null) {
      HostPort bind = cluster.bind();
      control =
          node.object("control").flatMap(c -> NodeNetworkReader.control(c, bind)).orElse(null);
      management =
          node.object("management")
              .flatMap(m -> NodeNetworkReader.management(m, bind))
              .orElse(null);
      dataPlane =
          node.object("data-plane").flatMap(d -> NodeNetworkReader.dataPlane(d, bind)).orElse(null);
      NodeNetworkReader.checkPortsDiffer(node, cluster, management, dataPlane, control);
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
