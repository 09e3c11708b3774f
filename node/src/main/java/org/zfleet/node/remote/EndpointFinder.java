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
    String node = bindings.bind(role, job, offers.keySet());
    JobEndpointProtocol.Located located =
        Asks.ask(
            scheduler,
            offers.get(node),
            JobEndpointProtocol.Locate::new,
            LOOKUP_TIMEOUT,
            role.name().toLowerCase(java.util.Locale.ROOT) + " " + job + " on node " + node,
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
