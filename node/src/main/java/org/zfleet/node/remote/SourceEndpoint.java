package org.zfleet.node.remote;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.config.SourceJob;
import org.zfleet.endpoint.LocalSender;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.JobEndpointProtocol.DestroySnapshot;
import org.zfleet.node.cluster.JobEndpointProtocol.Done;
import org.zfleet.node.cluster.JobEndpointProtocol.Hold;
import org.zfleet.node.cluster.JobEndpointProtocol.InheritProperty;
import org.zfleet.node.cluster.JobEndpointProtocol.ListSource;
import org.zfleet.node.cluster.JobEndpointProtocol.Listed;
import org.zfleet.node.cluster.JobEndpointProtocol.Refused;
import org.zfleet.node.cluster.JobEndpointProtocol.Release;
import org.zfleet.node.cluster.JobEndpointProtocol.Sent;
import org.zfleet.node.cluster.JobEndpointProtocol.SetProperty;
import org.zfleet.node.cluster.JobEndpointProtocol.SinkReply;
import org.zfleet.node.cluster.JobEndpointProtocol.StartSend;
import org.zfleet.node.cluster.PeerIdentity;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.SendRequest;
import org.zfleet.zfs.ZfsNames;
import org.zfleet.zfs.ZfsPort;

/**
 * One source job's endpoint in the cluster: serves the sending side of a pull. Each request acts
 * for the verified identity of the node that sent it, which must be among the source's clients,
 * through a {@link LocalSender} limited to the source's filesystems. A client may set and remove
 * only {@code zfleet:} properties and {@code zfleet_} holds. A send goes out over this node's data
 * plane to the caller's node, never anywhere else. ZFS work runs on {@code blocking}.
 */
public final class SourceEndpoint extends AbstractBehavior<JobEndpointProtocol> {

  private static final Logger log = LoggerFactory.getLogger(SourceEndpoint.class);

  /** Hold tags a client may place or release. */
  static final String HOLD_PREFIX = "zfleet_";

  /** Streams a send to a peer's data plane: {@code DataPlaneClient::send} in the daemon. */
  @FunctionalInterface
  public interface Outbound {
    RunningTransfer send(
        PeerAddress peer, TransferHeader header, SendProcess send, TransferOptions options);
  }

  /**
   * What the endpoint works with; {@code identities} verifies the node hosting a {@code replyTo}.
   */
  public record Setup(
      String node,
      SourceJob source,
      ZfsPort zfs,
      Outbound outbound,
      Function<ActorRef<?>, PeerIdentity> identities,
      Executor blocking,
      SinkEndpoint.ReplyCheck replies) {
    public Setup {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(zfs, "zfs");
      Objects.requireNonNull(outbound, "outbound");
      Objects.requireNonNull(identities, "identities");
      Objects.requireNonNull(blocking, "blocking");
      Objects.requireNonNull(replies, "replies");
    }
  }

  private final Setup setup;
  private final EndpointAnswers answers;

  public static Behavior<JobEndpointProtocol> create(Setup setup) {
    return Behaviors.setup(ctx -> new SourceEndpoint(ctx, setup));
  }

  private SourceEndpoint(ActorContext<JobEndpointProtocol> ctx, Setup setup) {
    super(ctx);
    this.setup = setup;
    this.answers =
        new EndpointAnswers("source", setup.source().name(), setup.blocking(), setup.replies());
  }

  @Override
  public Receive<JobEndpointProtocol> createReceive() {
    return newReceiveBuilder()
        .onMessage(
            JobEndpointProtocol.Ping.class,
            p -> {
              p.replyTo().tell(new JobEndpointProtocol.Pong(setup.node(), setup.source().name()));
              return this;
            })
        .onMessage(JobEndpointProtocol.DescribeSource.class, this::onDescribe)
        .onMessage(ListSource.class, this::onList)
        .onMessage(Hold.class, h -> onHold(h.snapshot(), h.tag(), h.replyTo(), true))
        .onMessage(Release.class, r -> onHold(r.snapshot(), r.tag(), r.replyTo(), false))
        .onMessage(SetProperty.class, this::onSetProperty)
        .onMessage(InheritProperty.class, this::onInherit)
        .onMessage(DestroySnapshot.class, this::onDestroy)
        .onMessage(StartSend.class, this::onStartSend)
        .build();
  }

  private Behavior<JobEndpointProtocol> onDescribe(JobEndpointProtocol.DescribeSource describe) {
    if (caller(describe.replyTo()) != null) {
      describe
          .replyTo()
          .tell(
              new JobEndpointProtocol.SourceDescribed(
                  setup.node(),
                  setup.source().name(),
                  setup.source().snapshotting().prefix().orElse("")));
    }
    return this;
  }

  private Behavior<JobEndpointProtocol> onList(ListSource list) {
    Caller caller = caller(list.replyTo());
    if (caller == null) {
      return this;
    }
    Set<String> properties = list.properties() == null ? Set.of() : Set.copyOf(list.properties());
    for (String property : properties) {
      String problem = zfleetPropertyProblem(property);
      if (problem != null) {
        list.replyTo().tell(refuse(caller.identity(), "", problem));
        return this;
      }
    }
    run(caller, list.replyTo(), () -> new Listed(caller.sender().list(properties)));
    return this;
  }

  private Behavior<JobEndpointProtocol> onHold(
      String snapshotText, String tag, ActorRef<SinkReply> replyTo, boolean hold) {
    Caller caller = caller(replyTo);
    if (caller == null) {
      return this;
    }
    Optional<SnapshotName> snapshot = snapshot(caller, snapshotText, replyTo);
    if (snapshot.isEmpty()) {
      return this;
    }
    String problem = ZfsNames.holdTagProblem(String.valueOf(tag));
    if (problem == null && !String.valueOf(tag).startsWith(HOLD_PREFIX)) {
      problem = "a client may only place or release " + HOLD_PREFIX + " holds, not " + tag;
    }
    if (problem != null) {
      replyTo.tell(refuse(caller.identity(), snapshotText, problem));
      return this;
    }
    run(
        caller,
        replyTo,
        () -> {
          if (hold) {
            caller.sender().hold(snapshot.get(), tag);
          } else {
            caller.sender().release(snapshot.get(), tag);
          }
          return new Done((hold ? "held " : "released ") + snapshot.get() + " " + tag);
        });
    return this;
  }

  private Behavior<JobEndpointProtocol> onSetProperty(SetProperty set) {
    Caller caller = caller(set.replyTo());
    if (caller == null) {
      return this;
    }
    String target = String.valueOf(set.datasetOrSnapshot());
    String problem = zfleetPropertyProblem(String.valueOf(set.property()));
    try {
      ZfsNames.requireDatasetOrSnapshot(target);
      ZfsNames.requirePropertyValue(String.valueOf(set.value()));
    } catch (IllegalArgumentException e) {
      problem = problem == null ? e.getMessage() : problem;
    }
    if (problem != null) {
      set.replyTo().tell(refuse(caller.identity(), target, problem));
      return this;
    }
    run(
        caller,
        set.replyTo(),
        () -> {
          caller.sender().setUserProperty(target, set.property(), set.value());
          return new Done("set " + set.property() + " on " + target);
        });
    return this;
  }

  private Behavior<JobEndpointProtocol> onInherit(InheritProperty inherit) {
    Caller caller = caller(inherit.replyTo());
    if (caller == null) {
      return this;
    }
    String problem = zfleetPropertyProblem(String.valueOf(inherit.property()));
    DatasetName dataset = null;
    try {
      dataset = DatasetName.of(String.valueOf(inherit.dataset()));
    } catch (IllegalArgumentException e) {
      problem = problem == null ? e.getMessage() : problem;
    }
    if (problem != null) {
      inherit.replyTo().tell(refuse(caller.identity(), String.valueOf(inherit.dataset()), problem));
      return this;
    }
    DatasetName fs = dataset;
    run(
        caller,
        inherit.replyTo(),
        () -> {
          caller.sender().inheritUserProperty(fs, inherit.property());
          return new Done("removed " + inherit.property() + " from " + fs);
        });
    return this;
  }

  private Behavior<JobEndpointProtocol> onDestroy(DestroySnapshot destroy) {
    Caller caller = caller(destroy.replyTo());
    if (caller == null) {
      return this;
    }
    Optional<SnapshotName> snapshot = snapshot(caller, destroy.snapshot(), destroy.replyTo());
    snapshot.ifPresent(
        s ->
            run(
                caller,
                destroy.replyTo(),
                () -> {
                  caller.sender().destroySnapshot(s);
                  return new Done("destroyed " + s);
                }));
    return this;
  }

  private Behavior<JobEndpointProtocol> onStartSend(StartSend start) {
    Caller caller = caller(start.replyTo());
    if (caller == null) {
      return this;
    }
    Optional<SnapshotName> to = snapshot(caller, start.to(), start.replyTo());
    if (to.isEmpty()) {
      return this;
    }
    SendRequest request;
    TransferHeader header;
    PeerAddress peer;
    try {
      request =
          start.from() == null
              ? SendRequest.full(to.get())
              : start.intermediate()
                  ? SendRequest.intermediate(start.from(), to.get())
                  : SendRequest.incremental(start.from(), to.get());
      // The stream goes to the verified caller's node only: its certificate is checked on connect.
      peer =
          new PeerAddress(
              NodeIdentity.of(caller.identity()),
              String.valueOf(start.dataPlaneHost()),
              start.dataPlanePort());
      header =
          TransferHeader.receive(
                  String.valueOf(start.pullJob()),
                  DatasetName.of(String.valueOf(start.target())),
                  request.from().map(f -> f.name() + "..").orElse("") + to.get().name())
              .withForce(start.force());
    } catch (RuntimeException e) {
      start
          .replyTo()
          .tell(
              refuse(
                  caller.identity(),
                  String.valueOf(start.to()),
                  "malformed send request: " + e.getMessage()));
      return this;
    }
    CompletableFuture.supplyAsync(() -> caller.sender().send(request), setup.blocking())
        .thenCompose(
            send ->
                setup
                    .outbound()
                    .send(peer, header, send, TransferOptions.defaults())
                    .result()
                    .toCompletableFuture())
        .whenComplete(
            (result, error) -> {
              if (error == null) {
                log.info(
                    "sent source={} identity={} snapshot=\"{}\" target=\"{}\" bytes={}",
                    setup.source().name(),
                    caller.identity(),
                    to.get(),
                    header.target(),
                    result.bytes());
                start.replyTo().tell(new Sent(result.bytes()));
              } else {
                start.replyTo().tell(answers.answer(caller.identity(), "", error));
              }
            });
    return this;
  }

  /** The sender of a request as this source sees it, or null once it has been refused. */
  private record Caller(String identity, LocalSender sender) {}

  private Caller caller(ActorRef<SinkReply> replyTo) {
    SourceJob source = setup.source();
    PeerIdentity identity = setup.identities().apply(replyTo);
    if (!(identity instanceof PeerIdentity.Verified verified)) {
      PeerIdentity.Unverified unverified = (PeerIdentity.Unverified) identity;
      String who = "unverified(" + unverified.address() + ")";
      replyTo.tell(refuse(who, "", "not a verified cluster node: " + unverified.reason()));
      return null;
    }
    if (!source.clients().contains(verified.node())) {
      replyTo.tell(refuse(verified.node(), "", "not a client of source " + source.name()));
      return null;
    }
    return new Caller(
        verified.node(),
        new LocalSender(
            setup.zfs(),
            source.name(),
            verified.node(),
            source.filesystems().roots(),
            source.filesystems()::selects));
  }

  private Optional<SnapshotName> snapshot(Caller caller, String text, ActorRef<SinkReply> replyTo) {
    try {
      return Optional.of(SnapshotName.parse(String.valueOf(text)));
    } catch (IllegalArgumentException e) {
      replyTo.tell(refuse(caller.identity(), String.valueOf(text), e.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * Clients keep their cursors and step marks in {@code zfleet:} properties, and touch nothing
   * else.
   */
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

  private void run(Caller caller, ActorRef<SinkReply> replyTo, Supplier<SinkReply> work) {
    answers.run(caller.identity(), "", replyTo, work);
  }

  private Refused refuse(String identity, String dataset, String why) {
    return answers.refuse(identity, dataset, why);
  }
}
