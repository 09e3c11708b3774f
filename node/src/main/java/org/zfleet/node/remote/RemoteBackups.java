package org.zfleet.node.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.zfleet.config.HostPort;
import org.zfleet.endpoint.RemoteSend;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.restore.BackupCatalog;
import org.zfleet.restore.Replica;
import org.zfleet.restore.RestoreSource;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.SendRequest;

/**
 * This node's backups on the sinks of another node, for {@code zfleet backups list --node} and
 * {@code zfleet restore --node}: each sink is asked over the data plane, with this node's
 * certificate, for what it holds of this node (it answers nothing else), and a restore has the sink
 * stream a replica's snapshot into this node's data plane, which expects exactly that stream
 * ({@link RestoreDataPlane}).
 */
public final class RemoteBackups {

  /** How long one send of a backup may run before the restore stops waiting for the sink. */
  static final Duration SEND_TIMEOUT = Duration.ofDays(2);

  /** What the sinks of one node answered: their replicas, and a line per sink that did not. */
  public record Held(
      String node, BackupCatalog catalog, List<String> problems, Map<String, PeerAddress> sinks) {
    public Held {
      problems = List.copyOf(problems);
      sinks = Map.copyOf(sinks);
    }
  }

  private final EndpointFinder finder;
  private final EndpointClient client;
  private final RestoreDataPlane plane;
  private final HostPort ownDataPlane;
  private final Executor waiting;

  RemoteBackups(
      EndpointFinder finder,
      EndpointClient client,
      RestoreDataPlane plane,
      HostPort ownDataPlane,
      Executor waiting) {
    this.finder = finder;
    this.client = client;
    this.plane = plane;
    this.ownDataPlane = ownDataPlane;
    this.waiting = waiting;
  }

  /** What the sinks {@code sinks}, where node {@code node} serves them, hold of this node. */
  public Held list(String node, Collection<String> sinks) {
    List<Replica> replicas = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<String, PeerAddress> found = new LinkedHashMap<>();
    for (String sink : sinks) {
      String whom = "sink " + sink + " on node " + node;
      try {
        PeerAddress peer = finder.findOn(node, sink);
        EndpointReply reply =
            client.call(
                peer,
                new EndpointRequest.ListBackups(sink),
                RemoteReceiver.Timeouts.DEFAULT.list(),
                whom,
                "a list of backups");
        if (!(reply instanceof EndpointReply.Backups backups)) {
          throw EndpointClient.unexpected(reply, whom, "a list of backups");
        }
        found.put(sink, peer);
        replicas.addAll(backups.replicas());
      } catch (RuntimeException e) {
        problems.add(whom + ": " + e.getMessage());
      }
    }
    return new Held(node, new BackupCatalog(replicas), problems, found);
  }

  /** Sends of {@code replica}'s snapshots by the sink of {@code held} that holds it. */
  public RestoreSource source(Held held, Replica replica) {
    PeerAddress peer = held.sinks().get(replica.job());
    if (peer == null) {
      throw new IllegalArgumentException("sink " + replica.job() + " was not listed");
    }
    return request -> {
      if (!request.to().dataset().equals(replica.dataset())) {
        throw new IllegalArgumentException(
            "a restore of " + replica.dataset() + " sends only its snapshots");
      }
      return new Delivered(peer, replica.job(), request);
    };
  }

  /** One send of the sink, started only when the restore asks for its delivery. */
  private final class Delivered implements RemoteSend {
    private final PeerAddress peer;
    private final String sink;
    private final SendRequest request;
    private final CompletableFuture<Void> completion = new CompletableFuture<>();

    Delivered(PeerAddress peer, String sink, SendRequest request) {
      this.peer = peer;
      this.sink = sink;
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
      String whom = "sink " + sink + " on node " + peer.identity();
      RestoreDataPlane.Expected expected =
          plane.expect(peer.identity().name(), receive.target(), listener);
      AwaitedTransfer transfer = new AwaitedTransfer(expected, "restore of " + request.to());
      long started = System.nanoTime();
      String what = "sending " + request.to();
      EndpointRequest.SendBackup send =
          new EndpointRequest.SendBackup(
              sink,
              request.to().toString(),
              request.from().orElse(null),
              request.mode() == SendRequest.Mode.INTERMEDIATE,
              expected.id,
              receive.target().value(),
              ownDataPlane.host(),
              ownDataPlane.port());
      CompletableFuture.supplyAsync(
              () -> client.callOnce(peer, send, SEND_TIMEOUT, whom, what), waiting)
          .whenComplete(
              (reply, error) -> {
                expected.withdraw();
                completion.complete(null);
                transfer.answered(
                    reply, error, whom, what, Duration.ofNanos(System.nanoTime() - started));
              });
      return transfer;
    }
  }
}
