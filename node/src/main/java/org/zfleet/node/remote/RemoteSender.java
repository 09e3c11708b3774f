package org.zfleet.node.remote;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.japi.function.Function;
import org.zfleet.config.HostPort;
import org.zfleet.endpoint.AccessRefused;
import org.zfleet.endpoint.RemoteSend;
import org.zfleet.endpoint.Sender;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.node.WallClock;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.JobEndpointProtocol.Failed;
import org.zfleet.node.cluster.JobEndpointProtocol.Refused;
import org.zfleet.node.cluster.JobEndpointProtocol.SinkReply;
import org.zfleet.node.cluster.JobEndpointProtocol.SourceDescribed;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.TransferResult;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.SendRequest;
import org.zfleet.zfs.ZfsCapabilities;
import org.zfleet.zfs.ZfsException;

/**
 * A source job on another node, as a pull job's steps see it: requests go to its {@link
 * SourceEndpoint}; a send is a {@link RemoteSend} that, once the pull's receiver asks for it, has
 * the source stream into this node's data plane, which expects exactly that stream.
 */
public final class RemoteSender implements Sender {

  /** How long one send may run before the pull stops waiting for the source's answer. */
  static final Duration SEND_TIMEOUT = Duration.ofDays(2);

  private final Scheduler scheduler;
  private final ActorRef<JobEndpointProtocol> endpoint;
  private final SourceDescribed source;
  private final String pullJob;
  private final DatasetName rootFs;
  private final PullDataPlane plane;
  private final HostPort ownDataPlane;
  private final ZfsCapabilities capabilities;
  private final RemoteReceiver.Timeouts timeouts;
  private final Executor waiting;

  /**
   * @param ownDataPlane where this node's data plane listens, told to the source
   * @param capabilities what this node's ZFS can do (zfs-fuse throughout a test cluster)
   * @param waiting threads that wait for a send's answer
   */
  public RemoteSender(
      Scheduler scheduler,
      ActorRef<JobEndpointProtocol> endpoint,
      SourceDescribed source,
      String pullJob,
      DatasetName rootFs,
      PullDataPlane plane,
      HostPort ownDataPlane,
      ZfsCapabilities capabilities,
      RemoteReceiver.Timeouts timeouts,
      Executor waiting) {
    this.scheduler = scheduler;
    this.endpoint = endpoint;
    this.source = source;
    this.pullJob = pullJob;
    this.rootFs = rootFs;
    this.plane = plane;
    this.ownDataPlane = ownDataPlane;
    this.capabilities = capabilities;
    this.timeouts = timeouts;
    this.waiting = waiting;
  }

  @Override
  public ZfsCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public List<DatasetListing> list(Set<String> userProperties) {
    SinkReply reply =
        ask(
            r -> new JobEndpointProtocol.ListSource(Set.copyOf(userProperties), r),
            timeouts.list(),
            "a listing");
    if (reply instanceof JobEndpointProtocol.Listed listed) {
      return listed.datasets();
    }
    throw unexpected(reply, "a listing");
  }

  @Override
  public RemoteSend send(SendRequest request) {
    return new Pulled(request);
  }

  @Override
  public void hold(SnapshotName snapshot, String tag) {
    String what = "holding " + snapshot + " " + tag;
    done(
        ask(
            r -> new JobEndpointProtocol.Hold(snapshot.toString(), tag, r),
            timeouts.request(),
            what),
        what);
  }

  @Override
  public void release(SnapshotName snapshot, String tag) {
    String what = "releasing " + snapshot + " " + tag;
    done(
        ask(
            r -> new JobEndpointProtocol.Release(snapshot.toString(), tag, r),
            timeouts.request(),
            what),
        what);
  }

  @Override
  public void bookmark(SnapshotName snapshot, String bookmark) {
    throw new ZfsException.Unsupported(
        where() + ": bookmarks are not made across nodes", List.of(), "");
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

  @Override
  public void inheritUserProperty(DatasetName dataset, String property) {
    String what = "removing " + property + " from " + dataset;
    done(
        ask(
            r -> new JobEndpointProtocol.InheritProperty(dataset.value(), property, r),
            timeouts.request(),
            what),
        what);
  }

  @Override
  public void destroySnapshot(SnapshotName snapshot) {
    String what = "destroying " + snapshot;
    done(
        ask(
            r -> new JobEndpointProtocol.DestroySnapshot(snapshot.toString(), r),
            timeouts.request(),
            what),
        what);
  }

  String where() {
    return "source " + source.job() + " on node " + source.node();
  }

  /** One send of the source, started only when the receiver asks for its delivery. */
  private final class Pulled implements RemoteSend {
    private final SendRequest request;
    private final CompletableFuture<Void> completion = new CompletableFuture<>();

    Pulled(SendRequest request) {
      this.request = request;
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
      PullDataPlane.Expected expected =
          plane.expect(source.node(), pullJob, rootFs, receive.target(), receive.force(), listener);
      CompletableFuture<TransferResult> result = new CompletableFuture<>();
      Instant started = WallClock.clock().instant();
      String what = "sending " + request.to();
      CompletableFuture.supplyAsync(
              () ->
                  ask(
                      r ->
                          new JobEndpointProtocol.StartSend(
                              request.to().toString(),
                              request.from().orElse(null),
                              request.mode() == SendRequest.Mode.INTERMEDIATE,
                              pullJob,
                              receive.target().value(),
                              receive.force(),
                              ownDataPlane.host(),
                              ownDataPlane.port(),
                              r),
                      SEND_TIMEOUT,
                      what),
              waiting)
          .whenComplete(
              (reply, error) -> {
                expected.withdraw();
                completion.complete(null);
                if (error != null) {
                  result.completeExceptionally(error.getCause() != null ? error.getCause() : error);
                } else if (reply instanceof JobEndpointProtocol.Sent sent) {
                  result.complete(
                      new TransferResult(
                          sent.bytes(), Duration.between(started, WallClock.clock().instant())));
                } else if (reply instanceof Failed failed) {
                  result.completeExceptionally(
                      new TransferFailedException(
                          TransferFailedException.Reason.STREAM_FAILED,
                          where() + ": " + failed.message(),
                          expected.bytesSoFar(),
                          failed.stderr(),
                          "",
                          null));
                } else {
                  result.completeExceptionally(unexpected(reply, what));
                }
              });
      return new RunningTransfer() {
        @Override
        public CompletionStage<TransferResult> result() {
          return result;
        }

        @Override
        public long bytesSoFar() {
          return expected.bytesSoFar();
        }

        @Override
        public void cancel() {
          // Killing the receive fails the source's send, which then answers.
          expected.cancel();
          result.completeExceptionally(
              new TransferFailedException(
                  TransferFailedException.Reason.CANCELLED,
                  "pull of " + request.to() + " cancelled",
                  expected.bytesSoFar(),
                  "",
                  "",
                  null));
        }
      };
    }
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
      return RemoteReceiver.failure(where(), failed);
    }
    return new IllegalStateException(where() + " answered " + what + " with " + reply);
  }
}
