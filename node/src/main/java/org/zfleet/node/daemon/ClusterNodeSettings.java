package org.zfleet.node.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.zfleet.config.NodeConfig;
import org.zfleet.node.cluster.ClusterSettings;
import org.zfleet.node.cluster.TlsFiles;

/**
 * A clustered node's {@link ClusterSettings} from its configuration: the cluster runs over mutual
 * TLS only, so the CA, certificate and key must all be set; a problem is an {@link
 * IllegalStateException} that names the settings to fix and how to make the files.
 */
final class ClusterNodeSettings {

  private ClusterNodeSettings() {}

  static ClusterSettings of(NodeConfig node) {
    NodeConfig.Tls files = node.tls();
    List<String> missing = new ArrayList<>();
    if (files.ca().isEmpty()) {
      missing.add("tls.ca");
    }
    if (files.cert().isEmpty()) {
      missing.add("tls.cert");
    }
    if (files.key().isEmpty()) {
      missing.add("tls.key");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "zfleet.node.cluster.seed-nodes is set, and the cluster runs over mutual TLS only: set "
              + missing.stream().map(k -> "zfleet.node." + k).collect(Collectors.joining(", "))
              + " (make them with `zfleet cert create-ca` and `zfleet cert create-node "
              + node.name()
              + "`)");
    }
    TlsFiles tlsFiles = new TlsFiles(files.ca().get(), files.cert().get(), files.key().get());
    try {
      return new ClusterSettings(
          node.name(),
          node.cluster().bind(),
          node.cluster().seedNodes(),
          node.cluster().roles(),
          tlsFiles,
          node.management().bind());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("zfleet.node: " + e.getMessage(), e);
    }
  }
}
