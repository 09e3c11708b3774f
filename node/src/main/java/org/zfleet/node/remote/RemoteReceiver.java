package org.zfleet.node.remote;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.zfleet.endpoint.Receiver;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.node.dataplane.DataPlaneClient;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.SendProcess;

/**
 * A sink job on another node, as the replication steps see it: requests and the stream go over the
 * data plane to the sink's node, which must present the certificate of the node the sink is bound
 * to; each request blocks the calling step thread until the answer.
 */
public final class RemoteReceiver implements Receiver {

  /** How long the sink may take to answer one request, and to list the caller's subtree. */
  public record Timeouts(Duration request, Duration list) {
    public static final Timeouts DEFAULT =
        new Timeouts(Duration.ofSeconds(60), Duration.ofMinutes(3));
  }

  private final EndpointClient client;
  private final PeerAddress peer;
  private final String job;
  private final DatasetName root;
  private final DataPlaneClient dataPlane;
  private final Timeouts timeouts;

  /**
   * @param root where this node writes on the sink, as the sink described it
   */
  public RemoteReceiver(
      EndpointClient client,
      PeerAddress peer,
      String job,
      DatasetName root,
      DataPlaneClient dataPlane,
      Timeouts timeouts) {
    this.client = client;
    this.peer = peer;
    this.job = job;
    this.root = root;
    this.dataPlane = dataPlane;
    this.timeouts = timeouts;
  }

  @Override
  public DatasetName root() {
    return root;
  }

  @Override
  public List<DatasetListing> list(Set<String> userProperties) {
    EndpointReply reply =
        client.call(
            peer,
            new EndpointRequest.ListSink(job, Set.copyOf(userProperties)),
            timeouts.list(),
            where(),
            "a listing");
    if (reply instanceof EndpointReply.Listed listed) {
      return listed.datasets();
    }
    throw EndpointClient.unexpected(reply, where(), "a listing");
  }

  @Override
  public void createPlaceholder(DatasetName dataset, Map<String, String> properties) {
    request(
        new EndpointRequest.CreatePlaceholder(job, dataset.value(), Map.copyOf(properties)),
        "creating placeholder " + dataset);
  }

  @Override
  public RunningTransfer receiveFrom(
      SendProcess send,
      ReceiveRequest request,
      TransferOptions options,
      ProgressListener listener) {
    // The sink sets the replica properties itself: a client does not choose properties there.
    TransferHeader header =
        TransferHeader.receive(job, request.target(), "").withForce(request.force());
    return dataPlane.send(peer, header, send, options, listener);
  }

  @Override
  public void destroySnapshot(SnapshotName snapshot) {
    request(
        new EndpointRequest.DestroySnapshot(job, snapshot.toString()), "destroying " + snapshot);
  }

  @Override
  public void setUserProperty(String datasetOrSnapshot, String property, String value) {
    request(
        new EndpointRequest.SetProperty(job, datasetOrSnapshot, property, value),
        "setting " + property + " on " + datasetOrSnapshot);
  }

  /** Where the sink runs, for messages: {@code sink X on node Y}. */
  String where() {
    return "sink " + job + " on node " + peer.identity();
  }

  private void request(EndpointRequest request, String what) {
    EndpointClient.done(
        client.call(peer, request, timeouts.request(), where(), what), where(), what);
  }
}
