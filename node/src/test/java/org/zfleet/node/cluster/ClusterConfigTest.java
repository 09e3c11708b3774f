package org.zfleet.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.zfleet.config.HostPort;

class ClusterConfigTest {

  static final ClusterSettings SETTINGS =
      new ClusterSettings(
          "backup1",
          new HostPort("127.0.0.1", 25520),
          List.of(new HostPort("127.0.0.1", 25520), new HostPort("backup2.example.org", 25521)),
          List.of("storage"),
          new TlsFiles(
              Path.of("/etc/zfleet/ca.crt"),
              Path.of("/etc/zfleet/backup1.crt"),
              Path.of("/etc/zfleet/backup1.key")),
          new HostPort("0.0.0.0", 8558));

  final Config config =
      ClusterConfig.of(SETTINGS).withFallback(ConfigFactory.defaultReference()).resolve();

  @Test
  void arteryRunsOverTlsAtTheBindAddress() {
    assertThat(config.getString("pekko.actor.provider")).isEqualTo("cluster");
    assertThat(config.getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
    assertThat(config.getString("pekko.remote.artery.canonical.hostname")).isEqualTo("127.0.0.1");
    assertThat(config.getInt("pekko.remote.artery.canonical.port")).isEqualTo(25520);
    assertThat(config.getString("pekko.remote.artery.ssl.ssl-engine-provider"))
        .isEqualTo(NodeTlsProvider.class.getName());
  }

  @Test
  void seedNodesAreClusterAddresses() {
    assertThat(config.getStringList("pekko.cluster.seed-nodes"))
        .containsExactly(
            "pekko://zfleet@127.0.0.1:25520", "pekko://zfleet@backup2.example.org:25521");
  }

  @Test
  void rolesStartWithTheNodeRole() {
    assertThat(config.getStringList("pekko.cluster.roles"))
        .containsExactly("node:backup1", "storage");
  }

  @Test
  void splitBrainResolverKeepsTheMajority() {
    assertThat(config.getString("pekko.cluster.downing-provider-class"))
        .isEqualTo("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
    assertThat(config.getString("pekko.cluster.split-brain-resolver.active-strategy"))
        .isEqualTo("keep-majority");
  }

  @Test
  void aDownedNodeEndsItsJvmForItsServiceManagerToRestartIt() {
    Config downing =
        config.getConfig(
            "pekko.coordinated-shutdown.reason-overrides.\"org.apache.pekko.actor.CoordinatedShutdown$ClusterDowningReason$\"");

    assertThat(downing.getBoolean("exit-jvm")).isTrue();
    assertThat(config.getBoolean("pekko.coordinated-shutdown.exit-jvm"))
        .as("other shutdowns keep the JVM")
        .isFalse();
  }

  @Test
  void otherMembersReachOnlyWhatTheClusterItselfNeeds() {
    assertThat(config.getBoolean("pekko.remote.artery.untrusted-mode")).isTrue();
    assertThat(config.getStringList("pekko.remote.artery.trusted-selection-paths"))
        .containsExactlyInAnyOrder(
            "/system/cluster/core/daemon",
            "/system/cluster/heartbeatReceiver",
            "/system/clusterReceptionist/replicator");
    assertThat(config.getString("pekko.actor.serializers.pekko-system-msg"))
        .isEqualTo(GuardedSystemMessageSerializer.class.getName());
    assertThat(config.getString("pekko.actor.serializers.pekko-cluster"))
        .isEqualTo(GuardedClusterMessageSerializer.class.getName());
  }

  @Test
  void clusterMessagesUseCborAndNeverJavaSerialization() {
    assertThat(config.getBoolean("pekko.actor.allow-java-serialization")).isFalse();
    assertThat(config.getConfig("pekko.actor.serialization-bindings").root().unwrapped())
        .containsEntry("org.zfleet.protocol.CborSerializable", "jackson-cbor");
  }

  @Test
  void answersToAsksTakeTheLargeMessageLane() {
    assertThat(config.getStringList("pekko.remote.artery.large-message-destinations"))
        .containsExactly("/temp/*");
    assertThat(config.getBytes("pekko.remote.artery.advanced.maximum-large-frame-size"))
        .isEqualTo(ClusterConfig.MAX_ANSWER_BYTES);
    assertThat(config.getBytes("pekko.remote.artery.advanced.maximum-frame-size"))
        .as("ordinary frames stay small")
        .isEqualTo(256 * 1024);
  }

  @Test
  void managementListensWhereConfiguredWithReadOnlyRoutes() {
    assertThat(config.getString("pekko.management.http.hostname")).isEqualTo("0.0.0.0");
    assertThat(config.getInt("pekko.management.http.port")).isEqualTo(8558);
    assertThat(config.getBoolean("pekko.management.http.route-providers-read-only")).isTrue();
  }

  @Test
  void tlsFilesAndNodeNameReachTheTransport() {
    assertThat(config.getString("zfleet.cluster.node-name")).isEqualTo("backup1");
    assertThat(config.getString("zfleet.cluster.tls.ca")).isEqualTo("/etc/zfleet/ca.crt");
    assertThat(config.getString("zfleet.cluster.tls.cert")).isEqualTo("/etc/zfleet/backup1.crt");
    assertThat(config.getString("zfleet.cluster.tls.key")).isEqualTo("/etc/zfleet/backup1.key");
  }
}
