package org.zfleet.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a node's cluster section and its listeners ({@code control}, {@code management}, {@code
 * data-plane}): each listener's port, by default the cluster port plus a fixed offset, and never
 * one another's.
 */
final class NodeNetworkReader {

  static final int MANAGEMENT_PORT_OFFSET = 1000;
  static final int DATA_PLANE_PORT_OFFSET = 2000;
  static final int CONTROL_PORT_OFFSET = 3000;

  private NodeNetworkReader() {}

  static Optional<NodeConfig.Cluster> cluster(ObjectReader cluster) {
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

  static Optional<NodeConfig.Control> control(ObjectReader control, HostPort cluster) {
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

  static Optional<NodeConfig.Management> management(ObjectReader management, HostPort cluster) {
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

  static Optional<NodeConfig.DataPlane> dataPlane(ObjectReader dataPlane, HostPort cluster) {
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

  /** The node's listeners each on a port of their own, none on the cluster's. */
  static void checkPortsDiffer(
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

  private static Optional<Integer> port(ObjectReader reader, String key, int port) {
    if (port > 65535) {
      reader.error(key, "a port lies in 1-65535, got " + port);
      return Optional.empty();
    }
    return Optional.of(port);
  }
}
