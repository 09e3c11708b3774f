package org.zfleet.node.remote;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.japi.function.Function;
import org.zfleet.endpoint.AccessRefused;
import org.zfleet.endpoint.Receiver;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.JobEndpointProtocol.Described;
import org.zfleet.node.cluster.JobEndpointProtocol.Failed;
import org.zfleet.node.cluster.JobEndpointProtocol.Refused;
import org.zfleet.node.cluster.JobEndpointProtocol.SinkReply;
import org.zfleet.node.dataplane.DataPlaneClient;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.ZfsException;

/**
 * A sink job on another node, as the replication steps see it: requests go to its {@link
 * SinkEndpoint} (blocking the calling step thread until the answer), the stream goes over the data
 * plane to the sink's node, which must present the certificate of the node that described itself.
 * The sink's refusals come back as {@link AccessRefused}, its ZFS failures as the same {@link
 * ZfsException} types a local receiver throws.
 */
public final class RemoteReceiver implements Receiver {

  /** How long the sink may take to answer one request, and to list the caller's subtree. */
  public record Timeouts(Duration request, Duration list) {
    public static final Timeouts DEFAULT =
        new Timeouts(Duration.ofSeconds(60), Duration.ofMinutes(3));
  }

  private final Scheduler scheduler;
  private final ActorRef<JobEndpointProtocol> endpoint;
  private final Described sink;
  private final DataPlaneClient dataPlane;
  private final Timeouts timeouts;

  /**
   * @param sink what the endpoint said of itself for this node
   */
  public RemoteReceiver(
      Scheduler scheduler,
      ActorRef<JobEndpointProtocol> endpoint,
      Described sink,
      DataPlaneClient dataPlane,
      Timeouts timeouts) {
    this.scheduler = scheduler;
    this.endpoint = endpoint;
    this.sink = sink;
    this.dataPlane = dataPlane;
    this.timeouts = timeouts;
  }

  @Override
  public DatasetName root() {
    return sink.root();
  }

  @Override
  public List<DatasetListing> list(Set<String> userProperties) {
    SinkReply reply =
        ask(
            r -> new JobEndpointProtocol.ListDatasets(Set.copyOf(userProperties), r),
            timeouts.list(),
            "a listing");
    if (reply instanceof JobEndpointProtocol.Listed listed) {
      return listed.datasets();
    }
    throw unexpected(reply, "a listing");
  }

  @Override
  public void createPlaceholder(DatasetName dataset, Map<String, String> properties) {
    done(
        ask(
            r ->
                new JobEndpointProtocol.CreatePlaceholder(
                    dataset.value(), Map.copyOf(properties), r),
            timeouts.request(),
            "creating placeholder " + dataset),
        "creating placeholder " + dataset);
  }

  @Override
  public RunningTransfer receiveFrom(
      SendProcess send,
      ReceiveRequest request,
      TransferOptions options,
      ProgressListener listener) {
    // The sink sets the replica properties itself: a client does not choose properties there.
    PeerAddress peer =
        new PeerAddress(NodeIdentity.of(sink.node()), sink.dataPlaneHost(), sink.dataPlanePort());
    TransferHeader header =
        TransferHeader.receive(sink.job(), request.target(), "").withForce(request.force());
    return dataPlane.send(peer, header, send, options, listener);
  }

  @Override
  public void destroySnapshot(SnapshotName snapshot) {
    done(
        ask(
            r -> new JobEndpointProtocol.DestroySnapshot(snapshot.toString(), r),
            timeouts.request(),
            "destroying " + snapshot),
        "destroying " + snapshot);
  }

  @Override
  public void setUserProperty(String datasetOrSnapshot, String property, String value) {
    String what = "setting " + property + " on " + datasetOrSnapshot;
    done(
        ask(
            r -> new JobEndpointProtocol.SetProperty(datasetOrSnapshot, property, value, r),
            timeouts.request(),
            what),
        what);
  }

  /** Where the sink runs, for messages: {@code sink X on node Y}. */
  String where() {
    return "sink " + sink.job() + " on node " + sink.node();
  }

  private SinkReply ask(
      Function<ActorRef<SinkReply>, JobEndpointProtocol> request, Duration timeout, String what) {
    return Asks.ask(scheduler, endpoint, request, timeout, where(), what);
  }

  private void done(SinkReply reply, String what) {
    if (!(reply instanceof JobEndpointProtocol.Done)) {
      throw unexpected(reply, what);
    }
  }

  private RuntimeException unexpected(SinkReply reply, String what) {
    if (reply instanceof Refused refused) {
      return new AccessRefused(
          refused.identity(), refused.dataset(), refused.reason() + " (" + where() + ")");
    }
    if (reply instanceof Failed failed) {
      return failure(where(), failed);
    }
    return new IllegalStateException(where() + " answered " + what + " with " + reply);
  }

  /** The remote endpoint's ZFS error as the exception the local port would have thrown. */
  static ZfsException failure(String where, Failed failed) {
    String message = where + ": " + failed.message();
    List<String> command = List.of();
    String stderr = failed.stderr();
    return switch (String.valueOf(failed.error())) {
      case "NotFound" -> new ZfsException.NotFound(message, command, stderr);
      case "Busy" -> new ZfsException.Busy(message, command, stderr);
      case "AlreadyExists" -> new ZfsException.AlreadyExists(message, command, stderr);
      case "PermissionDenied" -> new ZfsException.PermissionDenied(message, command, stderr);
      case "Unsupported" -> new ZfsException.Unsupported(message, command, stderr);
      case "Unavailable" -> new ZfsException.Unavailable(message, command, stderr, null);
      case "Timeout" -> new ZfsException.Timeout(message, command, stderr);
      case "StreamFailed" -> new ZfsException.StreamFailed(message, command, stderr);
      default -> new ZfsException.Failed(message, command, stderr);
    };
  }
}
