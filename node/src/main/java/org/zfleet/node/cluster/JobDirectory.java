package org.zfleet.node.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.zfleet.protocol.CborSerializable;

/**
 * Where sink and source jobs are, cluster-wide. Registers this node's jobs with the Receptionist
 * under {@link JobKeys#keyFor(String)} and answers lookups from a cache kept current by
 * Receptionist subscriptions. Directories also tell each other which jobs their nodes offer, so
 * that a lookup that fails can list the jobs that do exist.
 */
public final class JobDirectory extends AbstractBehavior<JobDirectory.Command> {

  /** Every node's directory registers under this key, to find its peers. */
  static final ServiceKey<Command> DIRECTORY_KEY =
      ServiceKey.create(Command.class, "zfleet-job-directory");

  public sealed interface Command {}

  /** The passive job kinds that other nodes look up. */
  public enum JobRole {
    SINK,
    SOURCE;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Offers {@code endpoint} cluster-wide as the job {@code job}, replacing an earlier one here. */
  public record Register(String job, JobRole role, ActorRef<JobEndpointProtocol> endpoint)
      implements Command {
    public Register {
      JobKeys.requireValid(job);
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(endpoint, "endpoint");
    }
  }

  /** Withdraws this node's endpoint of {@code job}. */
  public record Deregister(String job) implements Command {
    public Deregister {
      JobKeys.requireValid(job);
    }
  }

  /** Looks {@code job} up now: its reachable endpoints, or why there are none. */
  public record Find(String job, ActorRef<FindResult> replyTo) implements Command {
    public Find {
      JobKeys.requireValid(job);
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Answers once {@code job} is reachable; until then the directory's status shows {@code waiting
   * for <role> <job>}.
   */
  public record WaitFor(String job, JobRole role, ActorRef<Found> replyTo) implements Command {
    public WaitFor {
      JobKeys.requireValid(job);
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  public record GetStatus(ActorRef<DirectoryStatus> replyTo) implements Command {}

  /** Between directories: the jobs a node offers now. Not for use by other actors. */
  public record JobsOffered(String node, List<String> jobs, ActorRef<Command> directory)
      implements Command, CborSerializable {
    public JobsOffered {
      jobs = List.copyOf(jobs);
      jobs.forEach(JobKeys::requireValid);
    }
  }

  /** The answer to {@link Find}. */
  public sealed interface FindResult {
    String job();
  }

  /**
   * The job's reachable endpoints, normally one (a job name is meant to be unique in the cluster).
   */
  public record Found(String job, List<ActorRef<JobEndpointProtocol>> endpoints)
      implements FindResult {
    public Found {
      endpoints = List.copyOf(endpoints);
    }
  }

  /** No reachable node offers the job. */
  public record NotReachable(String job, boolean offeredByUnreachableNodes, List<String> knownJobs)
      implements FindResult {
    public NotReachable {
      knownJobs = List.copyOf(knownJobs);
    }

    /** For status lines: {@code not reachable (no node offers job X; known jobs: a, b)}. */
    public String message() {
      String why =
          offeredByUnreachableNodes
              ? "only unreachable nodes offer job " + job
              : "no node offers job " + job;
      String known = knownJobs.isEmpty() ? "none" : String.join(", ", knownJobs);
      return "not reachable (" + why + "; known jobs: " + known + ")";
    }
  }

  /**
   * What the directory knows: jobs offered here, reachable endpoint counts of jobs looked up or
   * offered, and one line per job someone waits for ({@code waiting for sink X: not reachable
   * ...}).
   */
  public record DirectoryStatus(
      String node, List<String> offeredHere, Map<String, Integer> reachable, List<String> waiting) {
    public DirectoryStatus {
      offeredHere = List.copyOf(offeredHere);
      reachable = java.util.Collections.unmodifiableMap(new TreeMap<>(reachable));
      waiting = List.copyOf(waiting);
    }
  }

  private record ListingChanged(Receptionist.Listing listing) implements Command {}

  private record EndpointStopped(ActorRef<JobEndpointProtocol> endpoint) implements Command {}

  private record WaiterStopped(ActorRef<Found> waiter) implements Command {}

  private record PeerStopped(ActorRef<Command> directory) implements Command {}

  private final String node;
  private final JobCatalog<ActorRef<JobEndpointProtocol>, ActorRef<Command>> catalog =
      new JobCatalog<>();
  private final JobRegistrations registrations;
  private final PendingLookups pending = new PendingLookups();

  /** A directory for the node named {@code node}; spawn one per node. */
  public static Behavior<Command> create(String node) {
    return Behaviors.setup(ctx -> new JobDirectory(ctx, node));
  }

  private JobDirectory(ActorContext<Command> ctx, String node) {
    super(ctx);
    this.node = node;
    ActorRef<Receptionist.Listing> listings =
        ctx.messageAdapter(Receptionist.Listing.class, ListingChanged::new);
    ActorRef<Receptionist.Command> receptionist = ctx.getSystem().receptionist();
    this.registrations = new JobRegistrations(receptionist, listings);
    receptionist.tell(Receptionist.register(DIRECTORY_KEY, ctx.getSelf()));
    receptionist.tell(Receptionist.subscribe(DIRECTORY_KEY, listings));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Register.class, this::onRegister)
        .onMessage(Deregister.class, this::onDeregister)
        .onMessage(Find.class, this::onFind)
        .onMessage(WaitFor.class, this::onWaitFor)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(JobsOffered.class, this::onJobsOffered)
        .onMessage(ListingChanged.class, this::onListingChanged)
        .onMessage(EndpointStopped.class, this::onEndpointStopped)
        .onMessage(WaiterStopped.class, this::onWaiterStopped)
        .onMessage(PeerStopped.class, this::onPeerStopped)
        .build();
  }

  private Behavior<Command> onRegister(Register register) {
    ActorRef<JobEndpointProtocol> previous = catalog.offer(register.job(), register.endpoint());
    registrations.register(register.job(), register.endpoint(), previous);
    getContext().watchWith(register.endpoint(), new EndpointStopped(register.endpoint()));
    getContext()
        .getLog()
        .info("job offered job={} role={}", register.job(), register.role().word());
    offersChanged();
    pending.answerWaiters(register.job(), this::result);
    return this;
  }

  private Behavior<Command> onDeregister(Deregister deregister) {
    ActorRef<JobEndpointProtocol> removed = catalog.withdraw(deregister.job());
    if (removed != null) {
      registrations.deregister(deregister.job(), removed);
      getContext().getLog().info("job withdrawn job={}", deregister.job());
      offersChanged();
    }
    return this;
  }

  private Behavior<Command> onEndpointStopped(EndpointStopped stopped) {
    List<String> gone = catalog.withdrawEndpoint(stopped.endpoint());
    if (!gone.isEmpty()) {
      getContext().getLog().info("job endpoint stopped jobs={}", gone);
      offersChanged();
    }
    return this;
  }

  private Behavior<Command> onFind(Find find) {
    if (catalog.knows(find.job())) {
      find.replyTo().tell(result(find.job()));
    } else {
      pending.addFind(find.job(), find.replyTo());
      registrations.subscribe(find.job());
    }
    return this;
  }

  private Behavior<Command> onWaitFor(WaitFor wait) {
    if (result(wait.job()) instanceof Found found) {
      wait.replyTo().tell(found);
      return this;
    }
    pending.addWaiter(wait.job(), wait.role(), wait.replyTo());
    getContext().watchWith(wait.replyTo(), new WaiterStopped(wait.replyTo()));
    registrations.subscribe(wait.job());
    return this;
  }

  private Behavior<Command> onWaiterStopped(WaiterStopped stopped) {
    pending.removeWaiter(stopped.waiter());
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    List<String> waiting = pending.waiting(this::result);
    get.replyTo()
        .tell(new DirectoryStatus(node, catalog.offeredHere(), catalog.reachableCounts(), waiting));
    return this;
  }

  private Behavior<Command> onJobsOffered(JobsOffered offered) {
    if (!offered.directory().equals(getContext().getSelf())) {
      if (!catalog.hasOffersFrom(offered.directory())) {
        getContext().watchWith(offered.directory(), new PeerStopped(offered.directory()));
      }
      catalog.peerOffers(offered.directory(), offered.jobs());
    }
    return this;
  }

  private Behavior<Command> onPeerStopped(PeerStopped stopped) {
    catalog.peerStopped(stopped.directory());
    return this;
  }

  private Behavior<Command> onListingChanged(ListingChanged changed) {
    Receptionist.Listing listing = changed.listing();
    if (listing.isForKey(DIRECTORY_KEY)) {
      Set<ActorRef<Command>> peers = new HashSet<>(listing.getServiceInstances(DIRECTORY_KEY));
      peers.remove(getContext().getSelf());
      // Peers that became reachable learn what this node offers; they do the same on their side.
      JobsOffered offer = offer();
      catalog.reachablePeers(peers).forEach(peer -> peer.tell(offer));
      return this;
    }
    String id = listing.getKey().id();
    if (!id.startsWith(JobKeys.PREFIX)) {
      return this;
    }
    String job = id.substring(JobKeys.PREFIX.length());
    ServiceKey<JobEndpointProtocol> key = JobKeys.keyFor(job);
    catalog.listing(
        job, listing.getServiceInstances(key), listing.getAllServiceInstances(key).size());
    pending.answerFinds(job, this::result);
    pending.answerWaiters(job, this::result);
    return this;
  }

  private void offersChanged() {
    JobsOffered offer = offer();
    catalog.reachablePeers().forEach(peer -> peer.tell(offer));
  }

  private JobsOffered offer() {
    return new JobsOffered(node, catalog.offeredHere(), getContext().getSelf());
  }

  private FindResult result(String job) {
    JobCatalog.Lookup<ActorRef<JobEndpointProtocol>> lookup = catalog.lookup(job);
    if (!lookup.endpoints().isEmpty()) {
      return new Found(job, lookup.endpoints());
    }
    return new NotReachable(job, lookup.offeredByUnreachableNodes(), lookup.knownJobs());
  }
}
