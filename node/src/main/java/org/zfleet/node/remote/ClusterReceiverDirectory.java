package org.zfleet.node.remote;

import java.time.Duration;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.endpoint.AccessRefused;
import org.zfleet.endpoint.Receiver;
import org.zfleet.node.cluster.JobDirectory;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.JobEndpointProtocol.SinkReply;
import org.zfleet.node.dataplane.DataPlaneClient;
import org.zfleet.replication.ReceiverDirectory;

/**
 * Finds sink jobs anywhere in the cluster: a sink of this node directly (no network), any other by
 * name through the {@link JobDirectory}, as a {@link RemoteReceiver}. While no reachable node
 * offers the sink, {@link Unavailable} carries the directory's account ({@code not reachable (no
 * node offers job X; known jobs: ...)}), which the replication shows as what it waits for.
 */
public final class ClusterReceiverDirectory implements ReceiverDirectory {

  private static final Logger log = LoggerFactory.getLogger(ClusterReceiverDirectory.class);

  /** How long the directory and a sink endpoint may take to answer a lookup. */
  public static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

  private final ReceiverDirectory local;
  private final java.util.Set<String> localSinks;
  private final ActorRef<JobDirectory.Command> directory;
  private final Scheduler scheduler;
  private final DataPlaneClient dataPlane;
  private final RemoteReceiver.Timeouts timeouts;

  /**
   * @param local the sinks of this node
   * @param localSinks their names
   */
  public ClusterReceiverDirectory(
      ReceiverDirectory local,
      java.util.Set<String> localSinks,
      ActorRef<JobDirectory.Command> directory,
      Scheduler scheduler,
      DataPlaneClient dataPlane,
      RemoteReceiver.Timeouts timeouts) {
    this.local = Objects.requireNonNull(local, "local");
    this.localSinks = java.util.Set.copyOf(localSinks);
    this.directory = Objects.requireNonNull(directory, "directory");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.dataPlane = Objects.requireNonNull(dataPlane, "dataPlane");
    this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
  }

  /**
   * {@inheritDoc}
   *
   * <p>A remote sink decides by the certificate of this node, so {@code identity} must be this
   * node's name.
   */
  @Override
  public Receiver receiver(String sinkJob, String identity) {
    if (localSinks.contains(sinkJob)) {
      return local.receiver(sinkJob, identity);
    }
    JobDirectory.FindResult found =
        Asks.ask(
            scheduler,
            directory,
            r -> new JobDirectory.Find(sinkJob, r),
            LOOKUP_TIMEOUT,
            "the job directory",
            "a lookup of " + sinkJob);
    if (found instanceof JobDirectory.NotReachable notReachable) {
      throw new Unavailable(notReachable.message());
    }
    var endpoints = ((JobDirectory.Found) found).endpoints();
    if (endpoints.size() > 1) {
      log.warn("several nodes offer sink={} endpoints={}; using the first", sinkJob, endpoints);
    }
    ActorRef<JobEndpointProtocol> endpoint = endpoints.get(0);
    SinkReply reply =
        Asks.ask(
            scheduler,
            endpoint,
            JobEndpointProtocol.Describe::new,
            LOOKUP_TIMEOUT,
            "sink " + sinkJob,
            "where it receives");
    if (reply instanceof JobEndpointProtocol.Described described) {
      if (!described.job().equals(sinkJob)) {
        throw new Unavailable(
            "the endpoint found for sink " + sinkJob + " says it is job " + described.job());
      }
      return new RemoteReceiver(scheduler, endpoint, described, dataPlane, timeouts);
    }
    if (reply instanceof JobEndpointProtocol.Refused refused) {
      throw new AccessRefused(refused.identity(), refused.dataset(), refused.reason());
    }
    throw new Unavailable("sink " + sinkJob + " answered a description request with " + reply);
  }
}
