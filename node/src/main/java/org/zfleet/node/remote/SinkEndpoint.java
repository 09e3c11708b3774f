package org.zfleet.node.remote;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.zfleet.config.HostPort;
import org.zfleet.config.SinkJob;
import org.zfleet.endpoint.AccessRefused;
import org.zfleet.endpoint.LocalReceiver;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.JobEndpointProtocol.CreatePlaceholder;
import org.zfleet.node.cluster.JobEndpointProtocol.Describe;
import org.zfleet.node.cluster.JobEndpointProtocol.Described;
import org.zfleet.node.cluster.JobEndpointProtocol.DestroySnapshot;
import org.zfleet.node.cluster.JobEndpointProtocol.Done;
import org.zfleet.node.cluster.JobEndpointProtocol.ListDatasets;
import org.zfleet.node.cluster.JobEndpointProtocol.Listed;
import org.zfleet.node.cluster.JobEndpointProtocol.Refused;
import org.zfleet.node.cluster.JobEndpointProtocol.SetProperty;
import org.zfleet.node.cluster.JobEndpointProtocol.SinkReply;
import org.zfleet.node.cluster.PeerIdentity;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.ZfsNames;
import org.zfleet.zfs.ZfsPort;

/**
 * One sink job's endpoint in the cluster: answers its clients' requests for the receiving side of a
 * replication (all but the stream itself, which arrives over the data plane). Each request acts for
 * the verified identity of the node that sent it, through a {@link LocalReceiver} for that
 * identity, so the sink's client list and the {@code <root-fs>/<identity>} subtree are enforced by
 * the same code as for a local push. ZFS work runs on {@code blocking}, never on the actor.
 */
public final class SinkEndpoint extends AbstractBehavior<JobEndpointProtocol> {

  /** Most user properties a client may ask for in one listing. */
  static final int MAX_LISTED_PROPERTIES = 64;

  /** Native properties a client may set on a placeholder, with the only value it may give. */
  private static final Map<String, String> PLACEHOLDER_NATIVE = Map.of("canmount", "off");

  /**
   * What the endpoint works with.
   *
   * @param dataPlane where this node's data plane listens, told to clients by {@link Describe}
   * @param identities the verified identity of the node hosting a {@code replyTo}
   * @param replies checks a reply before it is sent (its serialized size, in the daemon)
   */
  public record Setup(
      String node,
      SinkJob sink,
      HostPort dataPlane,
      ZfsPort zfs,
      Transfers transfers,
      Function<ActorRef<?>, PeerIdentity> identities,
      Executor blocking,
      ReplyCheck replies) {
    public Setup {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(sink, "sink");
      Objects.requireNonNull(dataPlane, "dataPlane");
      Objects.requireNonNull(zfs, "zfs");
      Objects.requireNonNull(transfers, "transfers");
      Objects.requireNonNull(identities, "identities");
      Objects.requireNonNull(blocking, "blocking");
      Objects.requireNonNull(replies, "replies");
    }
  }

  /** Says why a reply cannot be sent (for instance, too large for the cluster), or null. */
  @FunctionalInterface
  public interface ReplyCheck {
    String problem(SinkReply reply);

    ReplyCheck NONE = reply -> null;
  }

  private final Setup setup;
  private final EndpointAnswers answers;

  public static Behavior<JobEndpointProtocol> create(Setup setup) {
    return Behaviors.setup(ctx -> new SinkEndpoint(ctx, setup));
  }

  private SinkEndpoint(ActorContext<JobEndpointProtocol> ctx, Setup setup) {
    super(ctx);
    this.setup = setup;
    this.answers =
        new EndpointAnswers("sink", setup.sink().name(), setup.blocking(), setup.replies());
  }

  @Override
  public Receive<JobEndpointProtocol> createReceive() {
    return newReceiveBuilder()
        .onMessage(JobEndpointProtocol.Ping.class, this::onPing)
        .onMessage(Describe.class, this::onDescribe)
        .onMessage(ListDatasets.class, this::onList)
        .onMessage(CreatePlaceholder.class, this::onCreatePlaceholder)
        .onMessage(DestroySnapshot.class, this::onDestroySnapshot)
        .onMessage(SetProperty.class, this::onSetProperty)
        .build();
  }

  private Behavior<JobEndpointProtocol> onPing(JobEndpointProtocol.Ping ping) {
    ping.replyTo().tell(new JobEndpointProtocol.Pong(setup.node(), setup.sink().name()));
    return this;
  }

  private Behavior<JobEndpointProtocol> onDescribe(Describe describe) {
    Caller caller = caller(describe.replyTo());
    if (caller.refusal() != null) {
      describe.replyTo().tell(caller.refusal());
    } else {
      describe
          .replyTo()
          .tell(
              new Described(
                  setup.node(),
                  setup.sink().name(),
                  setup.dataPlane().host(),
                  setup.dataPlane().port(),
                  caller.receiver().root()));
    }
    return this;
  }

  private Behavior<JobEndpointProtocol> onList(ListDatasets list) {
    Caller caller = caller(list.replyTo());
    if (caller.refusal() != null) {
      list.replyTo().tell(caller.refusal());
      return this;
    }
    Set<String> properties = list.properties();
    String problem = propertiesProblem(properties);
    if (problem != null) {
      list.replyTo().tell(refuse(caller.identity(), caller.receiver().root().value(), problem));
      return this;
    }
    run(caller, list.replyTo(), () -> new Listed(caller.receiver().list(Set.copyOf(properties))));
    return this;
  }

  private Behavior<JobEndpointProtocol> onCreatePlaceholder(CreatePlaceholder create) {
    Caller caller = caller(create.replyTo());
    if (caller.refusal() != null) {
      create.replyTo().tell(caller.refusal());
      return this;
    }
    DatasetName dataset;
    try {
      dataset = DatasetName.of(String.valueOf(create.dataset()));
    } catch (IllegalArgumentException e) {
      create
          .replyTo()
          .tell(refuse(caller.identity(), String.valueOf(create.dataset()), e.getMessage()));
      return this;
    }
    Map<String, String> properties = create.properties() == null ? Map.of() : create.properties();
    String problem = placeholderPropertiesProblem(properties);
    if (problem != null) {
      create.replyTo().tell(refuse(caller.identity(), dataset.value(), problem));
      return this;
    }
    run(
        caller,
        create.replyTo(),
        () -> {
          caller.receiver().createPlaceholder(dataset, properties);
          return new Done("created placeholder " + dataset);
        });
    return this;
  }

  private Behavior<JobEndpointProtocol> onDestroySnapshot(DestroySnapshot destroy) {
    Caller caller = caller(destroy.replyTo());
    if (caller.refusal() != null) {
      destroy.replyTo().tell(caller.refusal());
      return this;
    }
    SnapshotName snapshot;
    try {
      snapshot = SnapshotName.parse(String.valueOf(destroy.snapshot()));
    } catch (IllegalArgumentException e) {
      destroy
          .replyTo()
          .tell(refuse(caller.identity(), String.valueOf(destroy.snapshot()), e.getMessage()));
      return this;
    }
    run(
        caller,
        destroy.replyTo(),
        () -> {
          caller.receiver().destroySnapshot(snapshot);
          return new Done("destroyed " + snapshot);
        });
    return this;
  }

  private Behavior<JobEndpointProtocol> onSetProperty(SetProperty set) {
    Caller caller = caller(set.replyTo());
    if (caller.refusal() != null) {
      set.replyTo().tell(caller.refusal());
      return this;
    }
    String target = String.valueOf(set.datasetOrSnapshot());
    try {
      ZfsNames.requireDatasetOrSnapshot(target);
      ZfsNames.requireUserProperty(String.valueOf(set.property()));
      ZfsNames.requirePropertyValue(String.valueOf(set.value()));
    } catch (IllegalArgumentException e) {
      set.replyTo().tell(refuse(caller.identity(), target, e.getMessage()));
      return this;
    }
    run(
        caller,
        set.replyTo(),
        () -> {
          caller.receiver().setUserProperty(target, set.property(), set.value());
          return new Done("set " + set.property() + " on " + target);
        });
    return this;
  }

  /** The sender of a request as this sink sees it: its receiver, or why it is refused. */
  private record Caller(String identity, LocalReceiver receiver, Refused refusal) {}

  private Caller caller(ActorRef<?> replyTo) {
    SinkJob sink = setup.sink();
    PeerIdentity identity = setup.identities().apply(replyTo);
    if (!(identity instanceof PeerIdentity.Verified verified)) {
      PeerIdentity.Unverified unverified = (PeerIdentity.Unverified) identity;
      String who = "unverified(" + unverified.address() + ")";
      return new Caller(
          who,
          null,
          refuse(
              who, sink.rootFs().value(), "not a verified cluster node: " + unverified.reason()));
    }
    try {
      LocalReceiver receiver =
          new LocalReceiver(
              setup.zfs(),
              sink.name(),
              sink.rootFs(),
              Set.copyOf(sink.clients()),
              verified.node(),
              setup.transfers());
      return new Caller(verified.node(), receiver, null);
    } catch (AccessRefused e) {
      // LocalReceiver has logged it.
      return new Caller(verified.node(), null, new Refused(e.identity(), e.dataset(), e.why()));
    }
  }

  private void run(Caller caller, ActorRef<SinkReply> replyTo, Supplier<SinkReply> work) {
    answers.run(caller.identity(), caller.receiver().root().value(), replyTo, work);
  }

  private Refused refuse(String identity, String dataset, String why) {
    return answers.refuse(identity, dataset, why);
  }

  private static String propertiesProblem(Set<String> properties) {
    if (properties == null) {
      return "no property list";
    }
    if (properties.size() > MAX_LISTED_PROPERTIES) {
      return properties.size() + " properties asked for, at most " + MAX_LISTED_PROPERTIES;
    }
    for (String property : properties) {
      String problem = ZfsNames.userPropertyProblem(property);
      if (problem != null) {
        return "cannot list property \"" + property + "\": " + problem;
      }
    }
    return null;
  }

  /**
   * Clients may set user properties and {@code canmount=off}; nothing that mounts or moves data.
   */
  private static String placeholderPropertiesProblem(Map<String, String> properties) {
    for (Map.Entry<String, String> e : properties.entrySet()) {
      String name = String.valueOf(e.getKey());
      String value = String.valueOf(e.getValue());
      if (ZfsNames.userPropertyProblem(name) == null) {
        String valueProblem = ZfsNames.propertyValueProblem(value);
        if (valueProblem != null) {
          return "property " + name + ": " + valueProblem;
        }
      } else if (!value.equals(PLACEHOLDER_NATIVE.get(name))) {
        return "a client may not set " + name + "=" + value + " on a placeholder";
      }
    }
    return null;
  }
}
