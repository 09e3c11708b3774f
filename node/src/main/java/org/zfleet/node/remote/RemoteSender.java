package org.zfleet.node.remote;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.zfleet.config.HostPort;
import org.zfleet.endpoint.RemoteSend;
import org.zfleet.endpoint.Sender;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.ResumeToken;
import org.zfleet.zfs.SendRequest;
import org.zfleet.zfs.ZfsCapabilities;
import org.zfleet.zfs.ZfsException;

/**
 * A source job on another node, as a pull job's steps see it: requests go over the data plane to
 * the source's node; holds and marks are asked by what they are (this pull's cursor or step mark),
 * never by name; a send is a {@link RemoteSend} that, once the pull's receiver asks for it, has the
 * source stream into this node's data plane, which expects exactly that stream.
 */
public final class RemoteSender implements Sender {

  /** How long one send may run before the pull stops waiting for the source's answer. */
  static final Duration SEND_TIMEOUT = Duration.ofDays(2);

  /** Where the source runs, and what this pull is to it. */
  public record Source(PeerAddress peer, String job, String pullJob, ReplicationMarks marks) {}

  private final EndpointClient client;
  private final Source source;
  private final DatasetName rootFs;
  private final PullDataPlane plane;
  private final HostPort ownDataPlane;
  private final ZfsCapabilities capabilities;
  private final RemoteReceiver.Timeouts timeouts;
  private final boolean resumes;
  private final Executor waiting;
  private final Clock clock;

  /**
   * @param ownDataPlane where this node's data plane listens, told to the source
   * @param capabilities what this node's ZFS can do (zfs-fuse throughout a test cluster)
   * @param resumes whether the source continues cut sends from tokens, as it described itself
   * @param waiting threads that wait for a send's answer
   */
  public RemoteSender(
      EndpointClient client,
      Source source,
      DatasetName rootFs,
      PullDataPlane plane,
      HostPort ownDataPlane,
      ZfsCapabilities capabilities,
      RemoteReceiver.Timeouts timeouts,
      boolean resumes,
      Executor waiting,
      Clock clock) {
    this.client = client;
    this.source = source;
    this.rootFs = rootFs;
    this.plane = plane;
    this.ownDataPlane = ownDataPlane;
    this.capabilities = capabilities;
    this.timeouts = timeouts;
    this.resumes = resumes;
    this.waiting = waiting;
    this.clock = clock;
  }

  @Override
  public ZfsCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public List<DatasetListing> list(Set<String> userProperties) {
    EndpointReply reply =
        client.call(
            source.peer(),
            new EndpointRequest.ListSource(source.job(), Set.copyOf(userProperties)),
            timeouts.list(),
            where(),
            "a listing");
    if (reply instanceof EndpointReply.Listed listed) {
      return listed.datasets();
    }
    throw EndpointClient.unexpected(reply, where(), "a listing");
  }

  @Override
  public RemoteSend send(SendRequest request) {
    return new Pulled(request, null);
  }

  @Override
  public boolean resumes() {
    return resumes;
  }

  /**
   * The rest of the cut send {@code token} names (read by this node's ZFS from its own partial
   * receive); the source reads the token again and sends only if it names the same snapshot.
   */
  @Override
  public RemoteSend resumeSend(ResumeToken token) {
    SnapshotName to =
        SnapshotName.parse(
            token
                .toName()
                .orElseThrow(
                    () ->
                        new ZfsException.ResumeFailed(
                            where() + ": the resume token names no snapshot", List.of(), "")));
    return new Pulled(SendRequest.full(to), token.token());
  }

  @Override
  public void hold(SnapshotName snapshot, String tag) {
    holdMark(snapshot, tag, true);
  }

  @Override
  public void release(SnapshotName snapshot, String tag) {
    holdMark(snapshot, tag, false);
  }

  @Override
  public void bookmark(SnapshotName snapshot, String bookmark) {
    throw new ZfsException.Unsupported(
        where() + ": bookmarks are not made across nodes", List.of(), "");
  }

  @Override
  public void setUserProperty(String datasetOrSnapshot, String property, String value) {
    setMark(DatasetName.of(datasetOrSnapshot), property, value);
  }

  @Override
  public void inheritUserProperty(DatasetName dataset, String property) {
    setMark(dataset, property, null);
  }

  @Override
  public void destroySnapshot(SnapshotName snapshot) {
    request(
        new EndpointRequest.DestroySnapshot(source.job(), snapshot.toString()),
        "destroying " + snapshot);
  }

  String where() {
    return "source " + source.job() + " on node " + source.peer().identity();
  }

  private void holdMark(SnapshotName snapshot, String tag, boolean hold) {
    Mark mark = mark(tag, true);
    request(
        new EndpointRequest.HoldMark(
            source.job(), snapshot.toString(), source.pullJob(), mark.mark(), mark.legacy(), hold),
        (hold ? "holding " : "releasing ") + snapshot + " " + tag);
  }

  private void setMark(DatasetName dataset, String property, String value) {
    Mark mark = mark(property, false);
    request(
        new EndpointRequest.SetMark(
            source.job(), dataset.value(), source.pullJob(), mark.mark(), mark.legacy(), value),
        (value == null ? "removing " : "setting ") + property + " on " + dataset);
  }

  private record Mark(ReplicationMarks.Mark mark, boolean legacy) {}

  /** Which of this pull's marks a hold tag or property is; a pull touches nothing else there. */
  private Mark mark(String name, boolean tag) {
    ReplicationMarks marks = source.marks();
    Optional<ReplicationMarks.Mark> own = tag ? marks.holdTagMark(name) : marks.propertyMark(name);
    if (own.isPresent()) {
      return new Mark(own.get(), false);
    }
    Optional<ReplicationMarks> legacy = marks.legacy();
    Optional<ReplicationMarks.Mark> old =
        legacy.flatMap(l -> tag ? l.holdTagMark(name) : l.propertyMark(name));
    if (old.isPresent()) {
      return new Mark(old.get(), true);
    }
    throw new IllegalArgumentException(
        "pull " + source.pullJob() + " keeps no mark named " + name + " on " + where());
  }

  private void request(EndpointRequest request, String what) {
    EndpointClient.done(
        client.call(source.peer(), request, timeouts.request(), where(), what), where(), what);
  }

  /** One send of the source, started only when the receiver asks for its delivery. */
  private final class Pulled implements RemoteSend {
    private final SendRequest request;

    /** The token of the cut send this continues, or null for a whole send. */
    private final String resumeToken;

    private final CompletableFuture<Void> completion = new CompletableFuture<>();

    Pulled(SendRequest request, String resumeToken) {
      this.request = request;
      this.resumeToken = resumeToken;
    }

    @Override
    public CompletionStage<Void> completion() {
      return completion;
    }

    @Override
    public void kill() {
      completion.complete(null);
    }

    @Override
    public RunningTransfer deliver(
        ReceiveRequest receive, TransferOptions options, ProgressListener listener) {
      String node = source.peer().identity().name();
      PullDataPlane.Expected expected =
          plane.expect(node, source.pullJob(), rootFs, receive, options.bandwidthLimit(), listener);
      AwaitedTransfer transfer = new AwaitedTransfer(expected, "pull of " + request.to());
      Instant started = clock.instant();
      String what = "sending " + request.to();
      EndpointRequest.StartSend start =
          new EndpointRequest.StartSend(
              source.job(),
              request.to().toString(),
              request.from().orElse(null),
              request.mode() == SendRequest.Mode.INTERMEDIATE,
              source.pullJob(),
              receive.target().value(),
              receive.force(),
              ownDataPlane.host(),
              ownDataPlane.port(),
              resumeToken);
      CompletableFuture.supplyAsync(
              () -> client.callOnce(source.peer(), start, SEND_TIMEOUT, where(), what), waiting)
          .whenComplete(
              (reply, error) -> {
                expected.withdraw();
                completion.complete(null);
                transfer.answered(
                    reply, error, where(), what, Duration.between(started, clock.instant()));
              });
      return transfer;
    }
  }
}
