package org.zfleet.node.remote;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
import org.zfleet.zfs.ResumeToken;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.ZfsException;

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
  private final boolean resumes;
  private final DataPlaneClient dataPlane;
  private final Timeouts timeouts;

  /**
   * @param root where this node writes on the sink, as the sink described it
   * @param resumes whether the sink receives resumably, as it described itself
   */
  public RemoteReceiver(
      EndpointClient client,
      PeerAddress peer,
      String job,
      DatasetName root,
      boolean resumes,
      DataPlaneClient dataPlane,
      Timeouts timeouts) {
    this.client = client;
    this.peer = peer;
    this.job = job;
    this.root = root;
    this.resumes = resumes;
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
        TransferHeader.receive(job, request.target(), "")
            .withForce(request.force())
            .withResumable(request.resumable());
    return dataPlane.send(peer, header, send, options, listener);
  }

  @Override
  public boolean resumes() {
    return resumes;
  }

  /**
   * The sink's token for {@code target} with its text and byte count only: what the sink says the
   * token names is not taken, the sender reads the token itself before sending from it.
   */
  @Override
  public Optional<ResumeToken> resumeToken(DatasetName target) {
    String what = "the resume state of " + target;
    EndpointReply reply =
        client.call(
            peer,
            new EndpointRequest.ResumeState(job, target.value()),
            timeouts.request(),
            where(),
            what);
    if (!(reply instanceof EndpointReply.ResumeState state)) {
      throw EndpointClient.unexpected(reply, where(), what);
    }
    String token = state.token() == null ? "" : state.token();
    if (token.isEmpty()) {
      return Optional.empty();
    }
    String problem = ResumeToken.problem(token);
    if (problem != null) {
      throw new ZfsException.Failed(
          where() + " answered a malformed resume token for " + target + ": " + problem,
          List.of(),
          "");
    }
    return Optional.of(
        new ResumeToken(
            token,
            OptionalLong.empty(),
            Optional.empty(),
            OptionalLong.empty(),
            Math.max(0, state.bytes())));
  }

  @Override
  public void abortResumableReceive(DatasetName target) {
    request(
        new EndpointRequest.AbortPartialReceive(job, target.value()),
        "aborting the partial receive into " + target);
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
