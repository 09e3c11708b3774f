package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.LoadResult;
import org.zfleet.config.NodeConfig;
import org.zfleet.node.cli.ZfleetCommand;
import org.zfleet.node.tls.TlsSetupException;

/**
 * A daemon joins a cluster only with seed nodes, and then only with TLS files that fit its name.
 */
class ClusterModeTest {

  @TempDir Path dir;

  private static NodeConfig node(String nodeSection) {
    LoadResult loaded =
        ConfigLoader.parse("zfleet { node { " + nodeSection + " }, jobs = [] }", "n.conf", "h");
    assertThat(loaded.errors()).isEmpty();
    return loaded.config().orElseThrow().node();
  }

  @Test
  void withoutSeedNodesTheNodeStaysLocal() {
    assertThat(ClusterMode.of(node("name = \"backup1\", data-dir = \"/tmp\"")).isEmpty()).isTrue();
  }

  @Test
  void seedNodesWithoutTlsFilesAreAClearStartError() {
    NodeConfig node =
        node(
            "name = \"backup1\", data-dir = \"/tmp\", cluster { bind = \"127.0.0.1:25520\", "
                + "seed-nodes = [\"127.0.0.1:25520\"] }, tls { ca = \"/etc/zfleet/ca.crt\" }");

    assertThatThrownBy(() -> ClusterMode.of(node))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "zfleet.node.cluster.seed-nodes is set, and the cluster runs over mutual TLS only: set "
                + "zfleet.node.tls.cert, zfleet.node.tls.key (make them with `zfleet cert create-ca` and "
                + "`zfleet cert create-node backup1`)");
  }

  @Test
  void aCertificateForAnotherNodeIsRefusedBeforeAnythingStarts() {
    String certs = dir.toString();
    assertThat(ZfleetCommand.execute("cert", "create-ca", "--dir", certs)).isZero();
    assertThat(ZfleetCommand.execute("cert", "create-node", "backup2", "--dir", certs)).isZero();
    NodeConfig node =
        node(
            "name = \"backup1\", data-dir = \"/tmp\", cluster { bind = \"127.0.0.1:25520\", "
                + "seed-nodes = [\"127.0.0.1:25520\"] }, tls { ca = \""
                + certs
                + "/ca.crt\", cert = \""
                + certs
                + "/backup2.crt\", key = \""
                + certs
                + "/backup2.key\" }");

    assertThatThrownBy(() -> ClusterMode.of(node))
        .isInstanceOf(TlsSetupException.class)
        .hasMessageContaining("names node \"backup2\" but this node is \"backup1\"");
  }
}
