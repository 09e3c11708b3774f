package org.zfleet.node.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.zfleet.node.cluster.JobDirectory;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.PeerIdentity;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.replication.ReceiverDirectory.Unavailable;

/**
 * Finds where a sink or source job of another node is served: the job directory says which
 * endpoints offer the name, each endpoint's node is the one its cluster address's certificate
 * names, the {@link EndpointBindings} pick the job's node among them, and that node's endpoint
 * tells where its data plane listens. The data plane is then asked with the certificate of that
 * node required: nothing an endpoint says can lead this node to another.
 */
final class EndpointFinder {

  /** How long the directory and an endpoint may take to answer a lookup. */
  static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

  private final ActorRef<JobDirectory.Command> directory;
  private final Scheduler scheduler;
  private final Function<ActorRef<?>, PeerIdentity> identities;
  private final EndpointBindings bindings;

  EndpointFinder(
      ActorRef<JobDirectory.Command> directory,
      Scheduler scheduler,
      Function<ActorRef<?>, PeerIdentity> identities,
      EndpointBindings bindings) {
    this.directory = directory;
    this.scheduler = scheduler;
    this.identities = identities;
    this.bindings = bindings;
  }

  PeerAddress find(EndpointBindings.Role role, String job) {
    Map<String, ActorRef<JobEndpointProtocol>> offers = offers(job);
    String node = bindings.bind(role, job, offers.keySet());
    return locate(role.name().toLowerCase(java.util.Locale.ROOT), job, node, offers.get(node));
  }

  /**
   * Where job {@code job} of node {@code node} is served, whatever the bindings say: for an
   * operator who names the node (a restore from it). The node must offer the job.
   */
  PeerAddress findOn(String node, String job) {
    Map<String, ActorRef<JobEndpointProtocol>> offers = offers(job);
    if (!offers.containsKey(node)) {
      throw new Unavailable(
          "node " + node + " does not offer job " + job + " (offered by: " + offers.keySet() + ")");
    }
    return locate("sink", job, node, offers.get(node));
  }

  /** The verified nodes that offer {@code job}, with their endpoints. */
  private Map<String, ActorRef<JobEndpointProtocol>> offers(String job) {
    JobDirectory.FindResult found =
        Asks.ask(
            scheduler,
            directory,
            r -> new JobDirectory.Find(job, r),
            LOOKUP_TIMEOUT,
            "the job directory",
            "a lookup of " + job);
    if (found instanceof JobDirectory.NotReachable notReachable) {
      throw new Unavailable(notReachable.message());
    }
    Map<String, ActorRef<JobEndpointProtocol>> offers = new TreeMap<>();
    List<String> unverified = new ArrayList<>();
    for (ActorRef<JobEndpointProtocol> endpoint : ((JobDirectory.Found) found).endpoints()) {
      PeerIdentity identity = identities.apply(endpoint);
      if (identity instanceof PeerIdentity.Verified verified) {
        offers.putIfAbsent(verified.node(), endpoint);
      } else {
        unverified.add(((PeerIdentity.Unverified) identity).reason());
      }
    }
    if (offers.isEmpty()) {
      throw new Unavailable(
          "not reachable (job "
              + job
              + " is offered only by unverified members: "
              + unverified
              + ")");
    }
    return offers;
  }

  private PeerAddress locate(
      String role, String job, String node, ActorRef<JobEndpointProtocol> endpoint) {
    JobEndpointProtocol.Located located =
        Asks.ask(
            scheduler,
            endpoint,
            JobEndpointProtocol.Locate::new,
            LOOKUP_TIMEOUT,
            role + " " + job + " on node " + node,
            "where it listens");
    if (!node.equals(located.node()) || !job.equals(located.job())) {
      throw new Unavailable(
          "the endpoint of "
              + job
              + " on node "
              + node
              + " says it is job "
              + located.job()
              + " on node "
              + located.node());
    }
    return new PeerAddress(NodeIdentity.of(node), located.dataPlaneHost(), located.dataPlanePort());
  }
}
