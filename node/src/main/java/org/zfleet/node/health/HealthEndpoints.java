package org.zfleet.node.health;

import java.net.URI;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * The node's health endpoints, served by Pekko Management at {@code management.bind}: {@code
 * /alive} answers 200 while the ActorSystem runs, {@code /ready} answers 200 once this node is an
 * Up member of the cluster (Pekko's cluster membership check). Management's cluster routes ({@code
 * /cluster/members}) are served read-only. Further routes, such as metrics, are added as management
 * route providers under {@code pekko.management.http.routes}.
 */
public final class HealthEndpoints {

  private HealthEndpoints() {}

  /** Starts serving; completes with the base address once the port is bound. */
  public static CompletionStage<URI> start(ActorSystem<?> system) {
    return PekkoManagement.get(system).start().thenApply(uri -> URI.create(uri.toString()));
  }

  /** Stops serving and unbinds the port. */
  public static CompletionStage<Done> stop(ActorSystem<?> system) {
    return PekkoManagement.get(system).stop();
  }
}
