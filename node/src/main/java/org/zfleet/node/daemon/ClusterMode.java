package org.zfleet.node.daemon;

import com.typesafe.config.Config;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.zfleet.config.HostPort;
import org.zfleet.config.JobConfig;
import org.zfleet.config.NodeConfig;
import org.zfleet.config.PullJob;
import org.zfleet.config.SinkJob;
import org.zfleet.config.SourceJob;
import org.zfleet.node.cluster.ClusterConfig;
import org.zfleet.node.cluster.ClusterSettings;
import org.zfleet.node.cluster.IdentityGuard;
import org.zfleet.node.cluster.JobDirectory;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.PeerIdentities;
import org.zfleet.node.cluster.TlsFiles;
import org.zfleet.node.dataplane.DataPlaneClient;
import org.zfleet.node.dataplane.DataPlaneServer;
import org.zfleet.node.dataplane.DataPlaneSettings;
import org.zfleet.node.dataplane.RequestChannel;
import org.zfleet.node.remote.BackupRequests;
import org.zfleet.node.remote.EndpointBindings;
import org.zfleet.node.remote.EndpointRequests;
import org.zfleet.node.remote.JobLocator;
import org.zfleet.node.remote.NodeDataPlane;
import org.zfleet.node.remote.PeerSteps;
import org.zfleet.node.remote.PullDataPlane;
import org.zfleet.node.remote.RemoteBackups;
import org.zfleet.node.remote.RemoteEndpoints;
import org.zfleet.node.remote.RestoreDataPlane;
import org.zfleet.node.remote.SinkDataPlane;
import org.zfleet.node.remote.SinkRequests;
import org.zfleet.node.remote.SourceRequests;
import org.zfleet.node.tls.TlsContexts;
import org.zfleet.replication.ReceiverDirectory;
import org.zfleet.replication.SourceDirectory;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.ZfsPort;

/**
 * What a daemon adds when it takes part in a cluster ({@code zfleet.node.cluster.seed-nodes} set):
 * Artery over mutual TLS, the identity guard, the job directory with a locator per sink and source
 * job, the data plane that receives their streams and answers their clients' requests, and the
 * directories that find sinks and sources on any node.
 */
final class ClusterMode {

  private final ClusterSettings settings;
  private final SSLContext tls;
  private final HostPort dataPlane;
  // What peers are told to connect to: the bind address unless data-plane.advertise says otherwise.
  private final HostPort dataPlaneAdvertised;
  private final NodeConfig node;
  private volatile PullDataPlane pulls;
  private volatile RestoreDataPlane restores;
  private volatile RemoteBackups backups;
  private volatile Set<String> pullNames = Set.of();
  private volatile SourceDirectory sources;
  private volatile EndpointBindings bindings;
  private volatile DataPlaneClient client;

  private ClusterMode(
      ClusterSettings settings,
      SSLContext tls,
      HostPort dataPlane,
      HostPort advertised,
      NodeConfig node) {
    this.settings = settings;
    this.tls = tls;
    this.dataPlane = dataPlane;
    this.dataPlaneAdvertised = advertised;
    this.node = node;
  }

  /**
   * The cluster side of {@code node}, or empty for a node without seed nodes (local only). Checks
   * the TLS files before anything starts; a problem is an {@link IllegalStateException} saying
   * which setting or file is wrong.
   */
  static Optional<ClusterMode> of(NodeConfig node) {
    NodeConfig.Cluster cluster = node.cluster();
    if (cluster.seedNodes().isEmpty()) {
      return Optional.empty();
    }
    ClusterSettings settings = ClusterNodeSettings.of(node);
    TlsFiles tlsFiles = settings.tls();
    SSLContext tls =
        TlsContexts.forNode(tlsFiles.ca(), tlsFiles.cert(), tlsFiles.key(), node.name());
    return Optional.of(
        new ClusterMode(
            settings,
            tls,
            cluster.bind().withPort(node.dataPlane().port()),
            node.dataPlane().advertised(cluster.bind()),
            node));
  }

  /** zfleet's cluster settings over {@code base}. */
  Config pekkoConfig(Config base) {
    return ClusterConfig.of(settings).withFallback(base);
  }

  /**
   * Spawns the identity guard, the job directory and a locator per sink and source job (each
   * restarted if it fails); returns the directory push jobs find their sinks with.
   */
  ReceiverDirectory start(
      ActorContext<?> ctx,
      ZfsPort zfs,
      List<JobConfig> jobs,
      ReceiverDirectory local,
      Executor blocking,
      Clock clock) {
    ActorSystem<?> system = ctx.getSystem();
    ctx.spawn(supervised(IdentityGuard.create()), "identity-guard");
    ActorRef<JobDirectory.Command> directory =
        ctx.spawn(supervised(JobDirectory.create(settings.nodeName())), "job-directory");
    for (JobConfig job : jobs) {
      if (job instanceof SinkJob || job instanceof SourceJob) {
        ActorRef<JobEndpointProtocol> locator =
            ctx.spawn(
                supervised(JobLocator.create(settings.nodeName(), job.name(), dataPlaneAdvertised)),
                (job instanceof SinkJob ? "sink-" : "source-") + NodeJobs.actorName(job.name()));
        directory.tell(
            new JobDirectory.Register(
                job.name(),
                job instanceof SinkJob ? JobDirectory.JobRole.SINK : JobDirectory.JobRole.SOURCE,
                locator));
      }
    }
    List<PullJob> pullJobs = ConfiguredJobs.of(jobs, PullJob.class);
    preparePulls(zfs, pullJobs);
    bindings = EndpointBindings.of(node.dataDir().resolve("endpoint-pins"), jobs);
    client = new DataPlaneClient(tls, system);
    RemoteEndpoints endpoints =
        new RemoteEndpoints(
            directory,
            system.scheduler(),
            PeerIdentities.get(system)::identityOf,
            bindings,
            new RequestChannel(tls),
            client);
    backups = endpoints.backups(restores, dataPlaneAdvertised, blocking);
    sources =
        endpoints.sources(
            pullJobs.stream().collect(Collectors.toMap(PullJob::name, p -> p)),
            pulls,
            dataPlaneAdvertised,
            zfs.capabilities(),
            blocking,
            clock);
    Set<String> localSinks =
        ConfiguredJobs.of(jobs, SinkJob.class).stream()
            .map(SinkJob::name)
            .collect(Collectors.toSet());
    return endpoints.receivers(local, localSinks);
  }

  private static <T> org.apache.pekko.actor.typed.Behavior<T> supervised(
      org.apache.pekko.actor.typed.Behavior<T> behavior) {
    return Behaviors.supervise(behavior).onFailure(SupervisorStrategy.restart());
  }

  /**
   * The data plane's side of this node's pull jobs. Called before the actor system starts: the data
   * plane may start listening before the guardian has run {@link #start}.
   */
  synchronized void preparePulls(ZfsPort zfs, List<PullJob> pullJobs) {
    if (pulls == null) {
      // A pull's receive is a plain zfs receive: the stream arrives through the data plane.
      pulls = new PullDataPlane(settings.nodeName(), zfs, Transfers.none());
      pullNames = pullJobs.stream().map(PullJob::name).collect(Collectors.toSet());
      restores = new RestoreDataPlane(settings.nodeName(), zfs);
    }
  }

  /** This node's backups on other nodes' sinks; only after {@link #start}. */
  Optional<RemoteBackups> backups() {
    return Optional.ofNullable(backups);
  }

  /** The directory pull jobs find their sources with; only after {@link #start}. */
  SourceDirectory sources() {
    return sources == null ? SourceDirectory.NONE : sources;
  }

  /** What is wrong with the bindings of sinks and sources, for the status. */
  List<String> problems() {
    return bindings == null ? List.of() : bindings.problems();
  }

  /**
   * Listens at the cluster bind host and the data-plane port for streams into this node's sinks and
   * pulls and for the requests of its sinks' and sources' clients; sink receives and source sends
   * run as steps of the node ({@code steps}).
   */
  DataPlaneServer startDataPlane(
      ActorSystem<?> system,
      ZfsPort zfs,
      List<JobConfig> jobs,
      Transfers transfers,
      int maxTransfers,
      PeerSteps steps,
      Executor blocking)
      throws IOException {
    List<SinkJob> sinks = ConfiguredJobs.of(jobs, SinkJob.class);
    SinkDataPlane sinkPlane = new SinkDataPlane(settings.nodeName(), zfs, sinks, transfers);
    NodeDataPlane plane =
        new NodeDataPlane(
            sinkPlane,
            pulls == null ? new PullDataPlane(settings.nodeName(), zfs, transfers) : pulls,
            restores == null ? new RestoreDataPlane(settings.nodeName(), zfs) : restores,
            pullNames,
            steps,
            blocking);
    DataPlaneClient outbound = client != null ? client : new DataPlaneClient(tls, system);
    SourceRequests.Outbound sends =
        (peer, header, send, options, listener) ->
            outbound.send(peer, header, send, options, listener);
    EndpointRequests requests =
        new EndpointRequests(
            settings.nodeName(),
            sinks,
            ConfiguredJobs.of(jobs, SourceJob.class),
            new SinkRequests(
                settings.nodeName(),
                zfs,
                transfers,
                Optional.of(new BackupRequests(zfs, sends, steps))),
            new SourceRequests(
                settings.nodeName(), source -> JobPorts.of(zfs, source), sends, steps));
    DataPlaneSettings dataPlaneSettings =
        DataPlaneSettings.of(dataPlane.host(), dataPlane.port()).withMaxTransfers(maxTransfers);
    try {
      return DataPlaneServer.start(
          dataPlaneSettings,
          tls,
          new DataPlaneServer.Services(plane, plane, Optional.of(requests), Optional.of(plane)),
          system);
    } catch (IOException e) {
      throw new IOException(
          "cannot listen for streams (zfleet.node.data-plane.port) on "
              + dataPlane
              + ": "
              + e.getMessage(),
          e);
    }
  }

  String describe() {
    return "cluster="
        + settings.bind()
        + " seeds="
        + settings.seedNodes()
        + " data-plane="
        + dataPlane
        + (dataPlaneAdvertised.equals(dataPlane) ? "" : " (advertised " + dataPlaneAdvertised + ")")
        + " management="
        + settings.management();
  }
}
