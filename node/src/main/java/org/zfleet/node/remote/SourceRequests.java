package org.zfleet.node.remote;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.zfleet.config.SourceJob;
import org.zfleet.endpoint.LocalSender;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.remote.EndpointReply.Done;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.ResumeToken;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.SendRequest;
import org.zfleet.zfs.ZfsNames;
import org.zfleet.zfs.ZfsPort;

/**
 * A source's answers to one of its clients, through a {@link LocalSender} limited to the source's
 * filesystems. A client lists and marks with {@code zfleet:} properties and holds only, and only
 * its own: it names its pull job and which mark, and the source makes the tag or property from that
 * and the client's verified name. A send goes to the client's own data plane, as a step of this
 * node.
 */
public final class SourceRequests {

  /** Streams a send to a peer's data plane: {@code DataPlaneClient::send} in the daemon. */
  @FunctionalInterface
  public interface Outbound {
    RunningTransfer send(
        PeerAddress peer,
        TransferHeader header,
        SendProcess send,
        TransferOptions options,
        ProgressListener listener);
  }

  private final String node;
  private final Function<SourceJob, ZfsPort> zfsOf;
  private final PeerSends sends;

  public SourceRequests(String node, ZfsPort zfs, Outbound outbound, PeerSteps steps) {
    this(node, source -> zfs, outbound, steps);
  }

  /**
   * {@code zfsOf} gives the ZFS port a source job sends with: the node's, with its send options.
   */
  public SourceRequests(
      String node, Function<SourceJob, ZfsPort> zfsOf, Outbound outbound, PeerSteps steps) {
    this.node = node;
    this.zfsOf = zfsOf;
    this.sends = new PeerSends(outbound, steps);
  }

  EndpointReply answer(
      SourceJob source,
      NodeIdentity peer,
      EndpointRequest.ToSource request,
      EndpointRequests core) {
    ZfsPort zfs = zfsOf.apply(source);
    LocalSender sender =
        new LocalSender(
            zfs,
            source.name(),
            peer.name(),
            source.filesystems().roots(),
            source.filesystems()::selects);
    if (request instanceof EndpointRequest.DescribeSource) {
      return new EndpointReply.SourceDescribed(
          node, source.name(), source.snapshotting().prefix().orElse(""), sender.resumes());
    }
    if (request instanceof EndpointRequest.ListSource list) {
      Set<String> properties = list.properties() == null ? Set.of() : Set.copyOf(list.properties());
      if (properties.size() > SinkRequests.MAX_LISTED_PROPERTIES) {
        return core.refuse("source", source.name(), peer.name(), "", "too many properties");
      }
      for (String property : properties) {
        String problem = zfleetPropertyProblem(property);
        if (problem != null) {
          return core.refuse("source", source.name(), peer.name(), "", problem);
        }
      }
      return new EndpointReply.Listed(sender.list(properties));
    }
    if (request instanceof EndpointRequest.HoldMark hold) {
      SnapshotName snapshot = SnapshotName.parse(String.valueOf(hold.snapshot()));
      String tag = marks(hold.pullJob(), peer, hold.legacy()).holdTag(hold.mark());
      if (hold.hold()) {
        sender.hold(snapshot, tag);
      } else {
        sender.release(snapshot, tag);
      }
      return new Done((hold.hold() ? "held " : "released ") + snapshot + " " + tag);
    }
    if (request instanceof EndpointRequest.SetMark set) {
      DatasetName dataset = DatasetName.of(String.valueOf(set.dataset()));
      String property = marks(set.pullJob(), peer, set.legacy()).property(set.mark());
      if (set.value() == null) {
        sender.inheritUserProperty(dataset, property);
        return new Done("removed " + property + " from " + dataset);
      }
      sender.setUserProperty(dataset.value(), property, ZfsNames.requirePropertyValue(set.value()));
      return new Done("set " + property + " on " + dataset);
    }
    if (request instanceof EndpointRequest.DestroySnapshot destroy) {
      SnapshotName snapshot = SnapshotName.parse(String.valueOf(destroy.snapshot()));
      if (!source.filesystems().selects(snapshot.dataset())) {
        return core.refuse(
            "source",
            source.name(),
            peer.name(),
            snapshot.toString(),
            "not selected by the filesystems of job " + source.name());
      }
      var problem = DestroyGuard.problem(zfs, snapshot);
      if (problem.isPresent()) {
        return core.refuse(
            "source", source.name(), peer.name(), snapshot.toString(), problem.get());
      }
      sender.destroySnapshot(snapshot);
      return new Done("destroyed " + snapshot);
    }
    return send(source, peer, sender, (EndpointRequest.StartSend) request, core);
  }

  /** The caller's own marks for its pull job: the destination is its verified name. */
  private static ReplicationMarks marks(String pullJob, NodeIdentity peer, boolean legacy) {
    ReplicationMarks marks = ReplicationMarks.of(String.valueOf(pullJob), peer.name());
    if (!legacy) {
      return marks;
    }
    return marks
        .legacy()
        .orElseThrow(
            () -> new IllegalArgumentException("pull job " + pullJob + " has no legacy marks"));
  }

  private EndpointReply send(
      SourceJob source,
      NodeIdentity peer,
      LocalSender sender,
      EndpointRequest.StartSend start,
      EndpointRequests core) {
    SnapshotName to = SnapshotName.parse(String.valueOf(start.to()));
    if (start.resumeToken() != null) {
      return resume(source, peer, sender, start, to, core);
    }
    SendRequest request =
        start.from() == null
            ? SendRequest.full(to)
            : start.intermediate()
                ? SendRequest.intermediate(start.from(), to)
                : SendRequest.incremental(start.from(), to);
    String step = request.from().map(f -> f.name() + "..").orElse("") + to.name();
    return streamTo(source, peer, start, to, step, false, () -> sender.send(request), core);
  }

  /**
   * The rest of a cut send of {@code to}, from the token the caller's partial receive holds. The
   * token is read with this node's ZFS and must name {@code to} itself (a snapshot of a filesystem
   * this source serves): {@code zfs send -t} sends whatever a token names.
   */
  private EndpointReply resume(
      SourceJob source,
      NodeIdentity peer,
      LocalSender sender,
      EndpointRequest.StartSend start,
      SnapshotName to,
      EndpointRequests core) {
    String text = String.valueOf(start.resumeToken());
    String problem = ResumeToken.problem(text);
    Optional<ResumeToken> token = problem == null ? sender.readResumeToken(text) : Optional.empty();
    if (token.isEmpty() || !token.get().toName().equals(Optional.of(to.full()))) {
      return core.refuse(
          "source",
          source.name(),
          peer.name(),
          to.full(),
          problem != null
              ? "malformed resume token: " + problem
              : "the resume token does not continue a send of " + to.full());
    }
    return streamTo(
        source,
        peer,
        start,
        to,
        "resuming " + to.name(),
        true,
        () -> sender.resumeSend(token.get()),
        core);
  }

  /**
   * Sends what {@code open} starts to the caller's node, as {@code start} asked, and to that node
   * only: its certificate is checked on connect.
   */
  private EndpointReply streamTo(
      SourceJob source,
      NodeIdentity peer,
      EndpointRequest.StartSend start,
      SnapshotName to,
      String step,
      boolean resumable,
      Supplier<SendProcess> open,
      EndpointRequests core) {
    PeerAddress address =
        new PeerAddress(peer, String.valueOf(start.dataPlaneHost()), start.dataPlanePort());
    TransferHeader header =
        TransferHeader.receive(
                String.valueOf(start.pullJob()),
                DatasetName.of(String.valueOf(start.target())),
                step)
            .withForce(start.force())
            .withResumable(resumable);
    return sends.send("source", source.name(), address, header, to, open, core);
  }

  /** Clients keep their marks in {@code zfleet:} properties and touch nothing else. */
  static String zfleetPropertyProblem(String property) {
    String problem = ZfsNames.userPropertyProblem(property);
    if (problem != null) {
      return "property \"" + property + "\": " + problem;
    }
    if (!property.startsWith(ReplicationMarks.MODULE)) {
      return "a client may only use " + ReplicationMarks.MODULE + " properties, not " + property;
    }
    return null;
  }
}
