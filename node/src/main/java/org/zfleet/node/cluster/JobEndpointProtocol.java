package org.zfleet.node.cluster;

import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.zfleet.protocol.CborSerializable;

/**
 * What a sink or source job's endpoint answers over the cluster: who it is and where its node's
 * data plane listens. Everything that reads or changes the job goes over the data plane, where the
 * caller is the node its connection's certificate names; nothing here can change anything.
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

  /** Asks where the job's node takes data-plane connections. */
  record Locate(ActorRef<Located> replyTo) implements JobEndpointProtocol {
    public Locate {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * The answer to {@link Locate}. Only a locator: the caller connects there and requires the
   * certificate of the node it has bound the job to, whatever this says.
   */
  record Located(String node, String job, String dataPlaneHost, int dataPlanePort)
      implements CborSerializable {}
}
