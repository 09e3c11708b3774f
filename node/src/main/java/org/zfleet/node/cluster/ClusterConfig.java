package org.zfleet.node.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.List;
import org.zfleet.config.HostPort;
import org.zfleet.protocol.CborSerializable;

/**
 * The Pekko configuration of a zfleet cluster node, made from its {@link ClusterSettings}. The
 * result holds only what zfleet decides; lay it over the application's configuration with {@code
 * ClusterConfig.of(settings).withFallback(ConfigFactory.load())}.
 *
 * <p>Split brain: zfleet runs no cluster singletons or sharding (every job stays on the node that
 * configures it), so a partition costs nothing worse than cross-node jobs waiting. The resolver is
 * there to remove crashed nodes so that the cluster keeps converging. {@code keep-majority} suits
 * the usual three or more backup nodes: the larger side survives a partition or a crash. With two
 * nodes no strategy can tell a crash from a partition; keep-majority then keeps the side with the
 * lowest address, so if that node crashes the other downs itself and must be restarted by its
 * service manager to rejoin. {@code keep-oldest} has the same weakness with a less predictable
 * survivor. A downed node ends its JVM (exit code 255) for its service manager to restart it.
 */
public final class ClusterConfig {

  /** The ActorSystem name; part of every cluster address ({@code pekko://zfleet@host:port}). */
  public static final String SYSTEM_NAME = "zfleet";

  /** Where zfleet keeps its own cluster settings inside the Pekko configuration. */
  public static final String ZFLEET_PATH = "zfleet.cluster";

  static final String SPLIT_BRAIN_STRATEGY = "keep-majority";

  /**
   * Largest answer a node sends to an ask (a sink's listing of a client's subtree, for one): such
   * answers travel Artery's large-message lane, whose frames may be this large. Ordinary messages
   * keep Artery's 256 KiB frames.
   */
  public static final long MAX_ANSWER_BYTES = 16L * 1024 * 1024;

  /**
   * Where answers to asks go: the temporary actor of each ask. Both ends of a connection must list
   * a path for its messages to take the large-message lane.
   */
  static final String ASK_ANSWERS = "/temp/*";

  /**
   * Actor selections other members may still send under untrusted mode: the cluster daemon (join,
   * gossip), heartbeats, and the receptionist's replicator. Everything else is dropped.
   */
  static final List<String> TRUSTED_SELECTION_PATHS =
      List.of(
          "/system/cluster/core/daemon",
          "/system/cluster/heartbeatReceiver",
          "/system/clusterReceptionist/replicator");

  static final String DOWNING_REASON =
      "org.apache.pekko.actor.CoordinatedShutdown$ClusterDowningReason$";

  private ClusterConfig() {}

  /**
   * How messages between nodes are serialized: Jackson CBOR for the protocol, never Java
   * serialization. Tests of the protocol messages run with exactly this.
   */
  public static Config serialization() {
    return ConfigFactory.empty()
        .withValue("pekko.actor.allow-java-serialization", value("off"))
        .withValue(
            ConfigUtil.joinPath(
                "pekko", "actor", "serialization-bindings", CborSerializable.class.getName()),
            value("jackson-cbor"));
  }

  public static Config of(ClusterSettings settings) {
    List<String> seeds = new ArrayList<>();
    for (HostPort seed : settings.seedNodes()) {
      seeds.add(address(seed));
    }
    List<String> roles = new ArrayList<>();
    roles.add(settings.nodeRole());
    roles.addAll(settings.roles());
    return serialization()
        .withValue("pekko.actor.provider", value("cluster"))
        .withValue("pekko.loggers", value(List.of("org.apache.pekko.event.slf4j.Slf4jLogger")))
        .withValue("pekko.logging-filter", value("org.apache.pekko.event.slf4j.Slf4jLoggingFilter"))
        .withValue("pekko.remote.artery.transport", value("tls-tcp"))
        .withValue("pekko.remote.artery.canonical.hostname", value(settings.bind().host()))
        .withValue("pekko.remote.artery.canonical.port", value(settings.bind().port()))
        .withValue(
            "pekko.remote.artery.ssl.ssl-engine-provider", value(NodeTlsProvider.class.getName()))
        .withValue("pekko.remote.artery.large-message-destinations", value(List.of(ASK_ANSWERS)))
        // Another member holds a valid certificate but may run modified code: no remote
        // PoisonPill, Kill, deployment or actor selection (but the cluster's own), and no system
        // message or cluster command that stops or downs a node (the guarded serializers).
        .withValue("pekko.remote.artery.untrusted-mode", value("on"))
        .withValue("pekko.remote.artery.trusted-selection-paths", value(TRUSTED_SELECTION_PATHS))
        .withValue(
            "pekko.actor.serializers.pekko-system-msg",
            value(GuardedSystemMessageSerializer.class.getName()))
        .withValue(
            "pekko.actor.serializers.pekko-cluster",
            value(GuardedClusterMessageSerializer.class.getName()))
        .withValue(
            "pekko.remote.artery.advanced.maximum-large-frame-size", value(MAX_ANSWER_BYTES + "b"))
        .withValue("pekko.cluster.seed-nodes", value(seeds))
        .withValue("pekko.cluster.roles", value(roles))
        .withValue(
            "pekko.cluster.downing-provider-class",
            value("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"))
        .withValue(
            "pekko.cluster.split-brain-resolver.active-strategy", value(SPLIT_BRAIN_STRATEGY))
        // A downed node cannot rejoin with the same ActorSystem: exit (code -1, even if stopping
        // the
        // system hangs) so that the service manager restarts it and it joins afresh.
        .withValue(
            ConfigUtil.joinPath(
                "pekko", "coordinated-shutdown", "reason-overrides", DOWNING_REASON, "exit-jvm"),
            value("on"))
        .withValue("pekko.management.http.hostname", value(settings.management().host()))
        .withValue("pekko.management.http.port", value(settings.management().port()))
        // Management's cluster routes could down or remove members: they stay read-only.
        .withValue("pekko.management.http.route-providers-read-only", value(true))
        .withValue(ZFLEET_PATH + ".node-name", value(settings.nodeName()))
        .withValue(ZFLEET_PATH + ".tls.ca", value(settings.tls().ca().toString()))
        .withValue(ZFLEET_PATH + ".tls.cert", value(settings.tls().cert().toString()))
        .withValue(ZFLEET_PATH + ".tls.key", value(settings.tls().key().toString()));
  }

  /** The cluster address of the node listening at {@code hostPort}. */
  public static String address(HostPort hostPort) {
    return "pekko://" + SYSTEM_NAME + "@" + hostPort;
  }

  private static com.typesafe.config.ConfigValue value(Object value) {
    return ConfigValueFactory.fromAnyRef(value, "zfleet cluster settings");
  }
}
