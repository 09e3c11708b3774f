package org.zfleet.node.remote;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.zfleet.config.HostPort;
import org.zfleet.node.cluster.JobEndpointProtocol;

/**
 * A sink or source job of this node as the cluster sees it: registered in the job directory under
 * the job's name, it tells who it is and where this node's data plane listens. It holds nothing and
 * changes nothing.
 */
public final class JobLocator {

  private JobLocator() {}

  public static Behavior<JobEndpointProtocol> create(String node, String job, HostPort dataPlane) {
    return Behaviors.receive(JobEndpointProtocol.class)
        .onMessage(
            JobEndpointProtocol.Ping.class,
            ping -> {
              ping.replyTo().tell(new JobEndpointProtocol.Pong(node, job));
              return Behaviors.same();
            })
        .onMessage(
            JobEndpointProtocol.Locate.class,
            locate -> {
              locate
                  .replyTo()
                  .tell(
                      new JobEndpointProtocol.Located(
                          node, job, dataPlane.host(), dataPlane.port()));
              return Behaviors.same();
            })
        .build();
  }
}
