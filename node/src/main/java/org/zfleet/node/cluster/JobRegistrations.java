package org.zfleet.node.cluster;

import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * A {@link JobDirectory}'s dealings with the Receptionist: offering and withdrawing its node's job
 * endpoints under {@link JobKeys#keyFor(String)}, and subscribing (once per job) to the listings of
 * the jobs looked up here. Confined to the directory.
 */
final class JobRegistrations {

  private final ActorRef<Receptionist.Command> receptionist;
  private final ActorRef<Receptionist.Listing> listings;
  private final Set<String> subscribed = new HashSet<>();

  JobRegistrations(
      ActorRef<Receptionist.Command> receptionist, ActorRef<Receptionist.Listing> listings) {
    this.receptionist = receptionist;
    this.listings = listings;
  }

  /** Offers {@code endpoint} as the job, withdrawing the {@code previous} one if it differs. */
  void register(
      String job, ActorRef<JobEndpointProtocol> endpoint, ActorRef<JobEndpointProtocol> previous) {
    if (previous != null && !previous.equals(endpoint)) {
      deregister(job, previous);
    }
    receptionist.tell(Receptionist.register(JobKeys.keyFor(job), endpoint));
  }

  void deregister(String job, ActorRef<JobEndpointProtocol> endpoint) {
    receptionist.tell(Receptionist.deregister(JobKeys.keyFor(job), endpoint));
  }

  /** Follows the job's endpoints from now on (once: later calls do nothing). */
  void subscribe(String job) {
    if (subscribed.add(job)) {
      receptionist.tell(Receptionist.subscribe(JobKeys.keyFor(job), listings));
    }
  }
}
