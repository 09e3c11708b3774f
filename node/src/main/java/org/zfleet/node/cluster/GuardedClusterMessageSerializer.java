package org.zfleet.node.cluster;

import java.io.NotSerializableException;
import java.util.Set;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.cluster.protobuf.ClusterMessageSerializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.slf4j.LoggerFactory;

/**
 * Pekko's cluster message serializer, in its place and under its identifier, that refuses the
 * operator commands {@code Down} and {@code Leave} when they arrive from another node: a member
 * could otherwise send them straight to another node's cluster daemon (whose path untrusted mode
 * must let through for gossip and joining). zfleet issues them only to its own node (the split
 * brain resolver and the operator act locally and gossip the result). What a member gossips cannot
 * be refused this way: see docs/security.md.
 */
public final class GuardedClusterMessageSerializer extends SerializerWithStringManifest {

  private static final RefusalLog refusals =
      new RefusalLog(LoggerFactory.getLogger(GuardedClusterMessageSerializer.class));

  /** Manifests of ClusterUserAction.Down and Leave, current and before Akka 2.6. */
  private static final Set<String> REFUSED =
      Set.of(
          ClusterMessageSerializer.DownManifest(),
          ClusterMessageSerializer.LeaveManifest(),
          ClusterMessageSerializer.OldDownManifest(),
          ClusterMessageSerializer.OldLeaveManifest());

  private final ClusterMessageSerializer pekko;

  public GuardedClusterMessageSerializer(ExtendedActorSystem system) {
    this.pekko = new ClusterMessageSerializer(system);
  }

  @Override
  public int identifier() {
    return pekko.identifier();
  }

  @Override
  public String manifest(Object o) {
    return pekko.manifest(o);
  }

  @Override
  public byte[] toBinary(Object o) {
    return pekko.toBinary(o);
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    if (REFUSED.contains(manifest)) {
      refusals.warn("refused a cluster command from another node: manifest " + manifest);
      throw new NotSerializableException(
          "cluster command " + manifest + " is not accepted from remote");
    }
    return pekko.fromBinary(bytes, manifest);
  }
}
