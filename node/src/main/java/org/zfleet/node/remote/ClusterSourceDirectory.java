package org.zfleet.node.remote;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.config.HostPort;
import org.zfleet.config.PullJob;
import org.zfleet.endpoint.AccessRefused;
import org.zfleet.node.cluster.JobDirectory;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.JobEndpointProtocol.SinkReply;
import org.zfleet.replication.PulledSource;
import org.zfleet.replication.ReceiverDirectory.Unavailable;
import org.zfleet.replication.SourceDirectory;
import org.zfleet.zfs.ZfsCapabilities;

/**
 * Finds source jobs anywhere in the cluster by name through the {@link JobDirectory}, as a {@link
 * RemoteSender} whose streams this node's {@link PullDataPlane} accepts. A source decides by the
 * certificate of this node, so the identity asked for must be this node's name.
 */
public final class ClusterSourceDirectory implements SourceDirectory {

  private static final Logger log = LoggerFactory.getLogger(ClusterSourceDirectory.class);

  private final Map<String, PullJob> pulls;
  private final ActorRef<JobDirectory.Command> directory;
  private final Scheduler scheduler;
  private final PullDataPlane plane;
  private final HostPort ownDataPlane;
  private final ZfsCapabilities capabilities;
  private final Executor waiting;

  /**
   * @param pulls this node's pull jobs by name
   */
  public ClusterSourceDirectory(
      Map<String, PullJob> pulls,
      ActorRef<JobDirectory.Command> directory,
      Scheduler scheduler,
      PullDataPlane plane,
      HostPort ownDataPlane,
      ZfsCapabilities capabilities,
      Executor waiting) {
    this.pulls = Map.copyOf(pulls);
    this.directory = Objects.requireNonNull(directory, "directory");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.plane = Objects.requireNonNull(plane, "plane");
    this.ownDataPlane = Objects.requireNonNull(ownDataPlane, "ownDataPlane");
    this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
    this.waiting = Objects.requireNonNull(waiting, "waiting");
  }

  @Override
  public PulledSource source(String sourceJob, String pullJob, String identity) {
    PullJob pull = pulls.get(pullJob);
    if (pull == null) {
      throw new IllegalArgumentException("no pull job named " + pullJob + " on this node");
    }
    JobDirectory.FindResult found =
        Asks.ask(
            scheduler,
            directory,
            r -> new JobDirectory.Find(sourceJob, r),
            ClusterReceiverDirectory.LOOKUP_TIMEOUT,
            "the job directory",
            "a lookup of " + sourceJob);
    if (found instanceof JobDirectory.NotReachable notReachable) {
      throw new Unavailable(notReachable.message());
    }
    var endpoints = ((JobDirectory.Found) found).endpoints();
    if (endpoints.size() > 1) {
      log.warn("several nodes offer source={} endpoints={}; using the first", sourceJob, endpoints);
    }
    ActorRef<JobEndpointProtocol> endpoint = endpoints.get(0);
    SinkReply reply =
        Asks.ask(
            scheduler,
            endpoint,
            JobEndpointProtocol.DescribeSource::new,
            ClusterReceiverDirectory.LOOKUP_TIMEOUT,
            "source " + sourceJob,
            "a description");
    if (reply instanceof JobEndpointProtocol.SourceDescribed described) {
      if (!described.job().equals(sourceJob)) {
        throw new Unavailable(
            "the endpoint found for source " + sourceJob + " says it is job " + described.job());
      }
      RemoteSender sender =
          new RemoteSender(
              scheduler,
              endpoint,
              described,
              pullJob,
              pull.rootFs(),
              plane,
              ownDataPlane,
              capabilities,
              RemoteReceiver.Timeouts.DEFAULT,
              waiting);
      Optional<String> prefix =
          described.snapshotPrefix() == null || described.snapshotPrefix().isEmpty()
              ? Optional.empty()
              : Optional.of(described.snapshotPrefix());
      return new PulledSource(described.node(), prefix, sender);
    }
    if (reply instanceof JobEndpointProtocol.Refused refused) {
      throw new AccessRefused(refused.identity(), refused.dataset(), refused.reason());
    }
    throw new Unavailable("source " + sourceJob + " answered a description request with " + reply);
  }
}
