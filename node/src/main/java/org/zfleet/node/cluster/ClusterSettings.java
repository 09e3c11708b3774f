package org.zfleet.node.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.zfleet.config.HostPort;
import org.zfleet.model.DatasetName;

/**
 * How this node takes part in the zfleet cluster: its name (the CN of its certificate), where
 * Artery listens, whom it contacts to join, its roles, its TLS files and where the management
 * (health) endpoint listens.
 *
 * @param roles operator roles from the configuration; the role {@code node:<name>} is added by
 *     {@link ClusterConfig} and is reserved
 */
public record ClusterSettings(
    String nodeName,
    HostPort bind,
    List<HostPort> seedNodes,
    List<String> roles,
    TlsFiles tls,
    HostPort management) {

  /** Longest node name: a certificate CN holds at most 64 characters. */
  public static final int MAX_NODE_NAME_LENGTH = 64;

  /** The management port sits this far above the cluster port unless configured. */
  public static final int MANAGEMENT_PORT_OFFSET = 1000;

  /** Prefix of the role that carries a member's node name. */
  public static final String NODE_ROLE_PREFIX = "node:";

  private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9_.-]+");

  public ClusterSettings {
    Objects.requireNonNull(nodeName, "node name");
    String problem = nodeNameProblem(nodeName);
    if (problem != null) {
      throw new IllegalArgumentException("invalid node name \"" + nodeName + "\": " + problem);
    }
    Objects.requireNonNull(bind, "cluster.bind");
    seedNodes = List.copyOf(Objects.requireNonNull(seedNodes, "cluster.seed-nodes"));
    if (seedNodes.isEmpty()) {
      throw new IllegalArgumentException(
          "cluster.seed-nodes is empty; list at least one node (this node's own bind address to"
              + " start a new cluster)");
    }
    List<String> distinctRoles = new ArrayList<>();
    for (String role : Objects.requireNonNull(roles, "cluster.roles")) {
      if (!ROLE.matcher(role).matches() || role.startsWith("dc-")) {
        throw new IllegalArgumentException(
            "invalid role \""
                + role
                + "\": use letters, digits, '_', '-' and '.', not beginning with \"dc-\"");
      }
      if (!distinctRoles.contains(role)) {
        distinctRoles.add(role);
      }
    }
    roles = List.copyOf(distinctRoles);
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(management, "management.bind");
    if (management.equals(bind)) {
      throw new IllegalArgumentException(
          "management.bind " + management + " is the same as cluster.bind");
    }
  }

  /** Settings whose management endpoint listens at {@link #defaultManagement(HostPort)}. */
  public static ClusterSettings of(
      String nodeName, HostPort bind, List<HostPort> seedNodes, List<String> roles, TlsFiles tls) {
    return new ClusterSettings(nodeName, bind, seedNodes, roles, tls, defaultManagement(bind));
  }

  /**
   * The management endpoint's default, as the configuration documents it: 127.0.0.1, {@value
   * #MANAGEMENT_PORT_OFFSET} above the cluster port (below it near the top of the range), so nodes
   * with different cluster ports can share a host without configuring it.
   */
  public static HostPort defaultManagement(HostPort bind) {
    int port = bind.port() + MANAGEMENT_PORT_OFFSET;
    return new HostPort("127.0.0.1", port <= 65535 ? port : bind.port() - MANAGEMENT_PORT_OFFSET);
  }

  /** The role that names this node, by which its certificate is checked. */
  public String nodeRole() {
    return NODE_ROLE_PREFIX + nodeName;
  }

  /**
   * Why {@code name} cannot name a node, or {@code null}. Node names become dataset components on
   * receiving nodes and are certificate CNs: a valid dataset component, at most 64 characters, no
   * space.
   */
  public static String nodeNameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "empty name";
    }
    if (name.length() > MAX_NODE_NAME_LENGTH) {
      return "longer than " + MAX_NODE_NAME_LENGTH + " characters";
    }
    if (name.indexOf(' ') >= 0) {
      return "contains a space";
    }
    return DatasetName.componentProblem(name);
  }
}
