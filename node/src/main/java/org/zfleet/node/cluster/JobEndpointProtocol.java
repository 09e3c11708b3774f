package org.zfleet.node.cluster;

import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.zfleet.protocol.CborSerializable;

/**
 * Messages a sink or source job's endpoint accepts from other nodes. The {@link JobDirectory}
 * registers and finds endpoints of this type; the replication protocol extends it.
 */
public interface JobEndpointProtocol extends CborSerializable {

  /** Asks the endpoint to say which node and job it is. */
  record Ping(ActorRef<Pong> replyTo) implements JobEndpointProtocol {
    public Ping {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** The answer to {@link Ping}: the endpoint's own account of its node and job. */
  record Pong(String node, String job) implements CborSerializable {}
}
