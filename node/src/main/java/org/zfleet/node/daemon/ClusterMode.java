package org.zfleet.node.daemon;

import com.typesafe.config.Config;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.zfleet.config.HostPort;
import org.zfleet.config.NodeConfig;
import org.zfleet.config.PullJob;
import org.zfleet.config.SinkJob;
import org.zfleet.config.SourceJob;
import org.zfleet.node.cluster.ClusterConfig;
import org.zfleet.node.cluster.ClusterSettings;
import org.zfleet.node.cluster.ClusterTls;
import org.zfleet.node.cluster.IdentityGuard;
import org.zfleet.node.cluster.JobDirectory;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.PeerIdentities;
import org.zfleet.node.cluster.TlsFiles;
import org.zfleet.node.dataplane.DataPlaneClient;
import org.zfleet.node.dataplane.DataPlaneServer;
import org.zfleet.node.dataplane.DataPlaneSettings;
import org.zfleet.node.remote.AnswerSize;
import org.zfleet.node.remote.ClusterReceiverDirectory;
import org.zfleet.node.remote.ClusterSourceDirectory;
import org.zfleet.node.remote.NodeDataPlane;
import org.zfleet.node.remote.PullDataPlane;
import org.zfleet.node.remote.RemoteReceiver;
import org.zfleet.node.remote.SinkDataPlane;
import org.zfleet.node.remote.SinkEndpoint;
import org.zfleet.node.remote.SourceEndpoint;
import org.zfleet.replication.ReceiverDirectory;
import org.zfleet.replication.SourceDirectory;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.ZfsPort;

/**
 * What a daemon adds when it takes part in a cluster ({@code zfleet.node.cluster.seed-nodes} set):
 * Artery over mutual TLS, the identity guard, the job directory with an endpoint per sink job, the
 * data plane that receives their streams, and a receiver directory that finds sinks on any node.
 */
final class ClusterMode {

  private final ClusterSettings settings;
  private final SSLContext tls;
  private final HostPort dataPlane;
  // What peers are told to connect to: the bind address unless data-plane.advertise says otherwise.
  private final HostPort dataPlaneAdvertised;
  private volatile PullDataPlane pulls;
  private volatile Set<String> pullNames = Set.of();
  private volatile SourceDirectory sources;

  private ClusterMode(
      ClusterSettings settings, SSLContext tls, HostPort dataPlane, HostPort advertised) {
    this.settings = settings;
    this.tls = tls;
    this.dataPlane = dataPlane;
    this.dataPlaneAdvertised = advertised;
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
    NodeConfig.Tls files = node.tls();
    List<String> missing = new ArrayList<>();
    if (files.ca().isEmpty()) {
      missing.add("tls.ca");
    }
    if (files.cert().isEmpty()) {
      missing.add("tls.cert");
    }
    if (files.key().isEmpty()) {
      missing.add("tls.key");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "zfleet.node.cluster.seed-nodes is set, and the cluster runs over mutual TLS only: set "
              + missing.stream().map(k -> "zfleet.node." + k).collect(Collectors.joining(", "))
              + " (make them with `zfleet cert create-ca` and `zfleet cert create-node "
              + node.name()
              + "`)");
    }
    TlsFiles tlsFiles = new TlsFiles(files.ca().get(), files.cert().get(), files.key().get());
    ClusterSettings settings;
    try {
      settings =
          new ClusterSettings(
              node.name(),
              cluster.bind(),
              cluster.seedNodes(),
              cluster.roles(),
              tlsFiles,
              node.management().bind());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("zfleet.node: " + e.getMessage(), e);
    }
    SSLContext tls = ClusterTls.context(tlsFiles, node.name());
    return Optional.of(
        new ClusterMode(
            settings,
            tls,
            cluster.bind().withPort(node.dataPlane().port()),
            node.dataPlane().advertised(cluster.bind())));
  }

  /** zfleet's cluster settings over {@code base}. */
  Config pekkoConfig(Config base) {
    return ClusterConfig.of(settings).withFallback(base);
  }

  /**
   * Spawns the identity guard, the job directory and one endpoint per sink job (registered under
   * its name); returns the directory push jobs find their sinks with.
   */
  ReceiverDirectory start(
      ActorContext<?> ctx,
      ZfsPort zfs,
      List<SinkJob> sinks,
      Transfers transfers,
      ReceiverDirectory local,
      Executor blocking) {
    return start(ctx, zfs, sinks, List.of(), List.of(), transfers, local, blocking);
  }

  /**
   * Also one endpoint per source job, and the directory pull jobs find their sources with ({@link
   * #sources()}), whose streams the data plane then accepts.
   */
  ReceiverDirectory start(
      ActorContext<?> ctx,
      ZfsPort zfs,
      List<SinkJob> sinks,
      List<SourceJob> sourceJobs,
      List<PullJob> pullJobs,
      Transfers transfers,
      ReceiverDirectory local,
      Executor blocking) {
    ActorSystem<?> system = ctx.getSystem();
    ctx.spawn(IdentityGuard.create(), "identity-guard");
    ActorRef<JobDirectory.Command> directory =
        ctx.spawn(JobDirectory.create(settings.nodeName()), "job-directory");
    PeerIdentities identities = PeerIdentities.get(system);
    AnswerSize answers = new AnswerSize(system, ClusterConfig.MAX_ANSWER_BYTES);
    for (SinkJob sink : sinks) {
      SinkEndpoint.Setup setup =
          new SinkEndpoint.Setup(
              settings.nodeName(),
              sink,
              dataPlaneAdvertised,
              zfs,
              transfers,
              identities::identityOf,
              blocking,
              answers);
      ActorRef<JobEndpointProtocol> endpoint =
          ctx.spawn(SinkEndpoint.create(setup), "sink-" + NodeGuardian.actorName(sink.name()));
      directory.tell(new JobDirectory.Register(sink.name(), JobDirectory.JobRole.SINK, endpoint));
    }
    DataPlaneClient client = new DataPlaneClient(tls, system);
    for (SourceJob source : sourceJobs) {
      SourceEndpoint.Setup setup =
          new SourceEndpoint.Setup(
              settings.nodeName(),
              source,
              JobPorts.of(zfs, source),
              (peer, header, send, options) ->
                  client.send(peer, header, send, options, ProgressListener.NONE),
              identities::identityOf,
              blocking,
              answers);
      ActorRef<JobEndpointProtocol> endpoint =
          ctx.spawn(
              SourceEndpoint.create(setup), "source-" + NodeGuardian.actorName(source.name()));
      directory.tell(
          new JobDirectory.Register(source.name(), JobDirectory.JobRole.SOURCE, endpoint));
    }
    preparePulls(zfs, pullJobs);
    sources =
        new ClusterSourceDirectory(
            pullJobs.stream().collect(Collectors.toMap(PullJob::name, p -> p)),
            directory,
            system.scheduler(),
            pulls,
            dataPlaneAdvertised,
            zfs.capabilities(),
            blocking);
    Set<String> localSinks = sinks.stream().map(SinkJob::name).collect(Collectors.toSet());
    return new ClusterReceiverDirectory(
        local, localSinks, directory, system.scheduler(), client, RemoteReceiver.Timeouts.DEFAULT);
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
    }
  }

  /** The directory pull jobs find their sources with; only after {@link #start}. */
  SourceDirectory sources() {
    return sources == null ? SourceDirectory.NONE : sources;
  }

  /**
   * Listens for streams into this node's sinks at the cluster bind host and the data-plane port.
   */
  DataPlaneServer startDataPlane(
      ActorSystem<?> system,
      ZfsPort zfs,
      List<SinkJob> sinks,
      Transfers transfers,
      int maxTransfers) {
    SinkDataPlane sinkPlane = new SinkDataPlane(settings.nodeName(), zfs, sinks, transfers);
    NodeDataPlane plane =
        new NodeDataPlane(
            sinkPlane,
            pulls == null ? new PullDataPlane(settings.nodeName(), zfs, transfers) : pulls,
            pullNames);
    DataPlaneSettings dataPlaneSettings =
        DataPlaneSettings.of(dataPlane.host(), dataPlane.port()).withMaxTransfers(maxTransfers);
    try {
      return DataPlaneServer.start(dataPlaneSettings, tls, plane, plane, system);
    } catch (IOException e) {
      throw new IllegalStateException(
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
