package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.HostPort;
import org.zfleet.config.SinkJob;
import org.zfleet.endpoint.AccessRefused;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.node.cluster.ClusterConfig;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.JobEndpointProtocol.Described;
import org.zfleet.node.cluster.JobEndpointProtocol.Failed;
import org.zfleet.node.cluster.JobEndpointProtocol.Listed;
import org.zfleet.node.cluster.JobEndpointProtocol.Refused;
import org.zfleet.node.cluster.JobEndpointProtocol.SinkReply;
import org.zfleet.node.cluster.PeerIdentity;
import org.zfleet.node.dataplane.DataPlaneClient;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ZfsException;

/**
 * A sink's endpoint acts for the identity the cluster verified for each request's sender, only in
 * that node's subtree, and answers every request: with its result, a refusal that says why, or the
 * ZFS error. Run over the in-memory ZFS; identities are given per reply address.
 */
@Timeout(30)
class SinkEndpointTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create("SinkEndpointTest", ClusterConfig.serialization());
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final DatasetName ROOT = DatasetName.of("dst/sink");
  private static final DatasetName ALPHA_DATA = DatasetName.of("dst/sink/alpha/data");
  private static final DatasetName BETA_DATA = DatasetName.of("dst/sink/beta/data");
  private static final SinkJob SINK = new SinkJob("sink", ROOT, List.of("alpha", "beta"));
  private static final HostPort DATA_PLANE = new HostPort("127.0.0.1", 27520);

  private final InMemoryZfs zfs = new InMemoryZfs().createPools("dst");
  private final ExecutorService blocking = Executors.newCachedThreadPool();

  /** Who sent a request, by its reply address; everyone else is alpha. */
  private final Map<ActorRef<?>, PeerIdentity> identities = new ConcurrentHashMap<>();

  private ActorRef<JobEndpointProtocol> endpoint;

  @BeforeEach
  void sink() {
    zfs.createFilesystem(ROOT, Map.of(), false);
    zfs.createFilesystem(ALPHA_DATA, ReceiverLayout.replicaProperties(), true);
    zfs.createFilesystem(BETA_DATA, ReceiverLayout.replicaProperties(), true);
    zfs.snapshot(List.of(ALPHA_DATA, BETA_DATA), "s1");
    endpoint = testKit.spawn(SinkEndpoint.create(setup(SinkEndpoint.ReplyCheck.NONE)));
  }

  private SinkEndpoint.Setup setup(SinkEndpoint.ReplyCheck replies) {
    return new SinkEndpoint.Setup(
        "backup1",
        SINK,
        DATA_PLANE,
        zfs,
        Transfers.none(),
        ref -> identities.getOrDefault(ref, new PeerIdentity.Verified("alpha")),
        blocking,
        replies);
  }

  @AfterEach
  void stop() {
    testKit.stop(endpoint);
    blocking.shutdownNow();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private TestProbe<SinkReply> caller(PeerIdentity identity) {
    TestProbe<SinkReply> probe = testKit.createTestProbe();
    identities.put(probe.getRef(), identity);
    return probe;
  }

  private SinkReply ask(
      PeerIdentity identity,
      java.util.function.Function<ActorRef<SinkReply>, JobEndpointProtocol> request) {
    TestProbe<SinkReply> probe = caller(identity);
    endpoint.tell(request.apply(probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  private static PeerIdentity node(String name) {
    return new PeerIdentity.Verified(name);
  }

  @Test
  void describesItsDataPlaneAndTheCallersOwnRoot() {
    assertThat(ask(node("beta"), JobEndpointProtocol.Describe::new))
        .isEqualTo(
            new Described("backup1", "sink", "127.0.0.1", 27520, DatasetName.of("dst/sink/beta")));
  }

  @Test
  void aNodeThatIsNotAClientIsRefusedForEveryRequest() {
    assertThat(ask(node("gamma"), JobEndpointProtocol.Describe::new))
        .isEqualTo(new Refused("gamma", "dst/sink/gamma", "not a client of sink sink"));
    assertThat(ask(node("gamma"), r -> new JobEndpointProtocol.ListDatasets(Set.of(), r)))
        .isInstanceOf(Refused.class);
    assertThat(
            ask(
                node("gamma"),
                r -> new JobEndpointProtocol.CreatePlaceholder("dst/sink/gamma/x", Map.of(), r)))
        .isInstanceOf(Refused.class);
    assertThat(zfs.exists(DatasetName.of("dst/sink/gamma"))).as("nothing written").isFalse();
  }

  @Test
  void aSenderTheClusterCannotVouchForIsRefused() {
    PeerIdentity stranger =
        new PeerIdentity.Unverified(
            "pekko://zfleet@10.0.0.9:25520", "not a member of this cluster");

    SinkReply reply =
        ask(
            stranger,
            r -> new JobEndpointProtocol.CreatePlaceholder("dst/sink/alpha/x", Map.of(), r));

    assertThat(reply)
        .isEqualTo(
            new Refused(
                "unverified(pekko://zfleet@10.0.0.9:25520)",
                "dst/sink",
                "not a verified cluster node: not a member of this cluster"));
    assertThat(zfs.exists(DatasetName.of("dst/sink/alpha/x"))).isFalse();
  }

  @Test
  void aListingHoldsOnlyTheCallersSubtree() {
    SinkReply reply =
        ask(node("alpha"), r -> new JobEndpointProtocol.ListDatasets(Set.of("zfleet:role"), r));

    List<DatasetListing> datasets = ((Listed) reply).datasets();
    assertThat(datasets)
        .extracting(d -> d.name().value())
        .containsExactly("dst/sink/alpha", "dst/sink/alpha/data");
    assertThat(datasets.get(1).properties()).containsEntry("zfleet:role", "replica");
    assertThat(datasets.get(1).versions()).extracting(v -> v.name()).containsExactly("s1");
  }

  @Test
  void writesIntoAnotherClientsSubtreeAreRefusedAndChangeNothing() {
    assertThat(
            ask(
                node("alpha"),
                r -> new JobEndpointProtocol.CreatePlaceholder("dst/sink/beta/x", Map.of(), r)))
        .isEqualTo(new Refused("alpha", "dst/sink/beta/x", "outside dst/sink/alpha"));
    assertThat(
            ask(
                node("alpha"),
                r -> new JobEndpointProtocol.DestroySnapshot("dst/sink/beta/data@s1", r)))
        .isEqualTo(new Refused("alpha", "dst/sink/beta/data", "outside dst/sink/alpha"));
    assertThat(
            ask(
                node("alpha"),
                r -> new JobEndpointProtocol.SetProperty("dst/sink", "zfleet:x", "y", r)))
        .isEqualTo(new Refused("alpha", "dst/sink", "outside dst/sink/alpha"));

    assertThat(zfs.exists(DatasetName.of("dst/sink/beta/x"))).isFalse();
    assertThat(zfs.list(List.of(BETA_DATA), Set.of()).get(0).versions())
        .extracting(v -> v.name())
        .containsExactly("s1");
    assertThat(zfs.getUserProperty("dst/sink", "zfleet:x")).isEmpty();
  }

  @Test
  void malformedRequestsAreRefusedWithTheReason() {
    assertThat(
            ask(
                node("alpha"),
                r -> new JobEndpointProtocol.CreatePlaceholder("dst/sink/alpha/a@b", Map.of(), r)))
        .isInstanceOfSatisfying(
            Refused.class,
            refused ->
                assertThat(refused.reason())
                    .startsWith("invalid dataset name \"dst/sink/alpha/a@b\""));
    assertThat(
            ask(node("alpha"), r -> new JobEndpointProtocol.CreatePlaceholder(null, Map.of(), r)))
        .isInstanceOf(Refused.class);
    assertThat(
            ask(
                node("alpha"),
                r -> new JobEndpointProtocol.DestroySnapshot("dst/sink/alpha/data", r)))
        .isInstanceOfSatisfying(
            Refused.class,
            refused -> assertThat(refused.dataset()).isEqualTo("dst/sink/alpha/data"));
    assertThat(
            ask(
                node("alpha"),
                r ->
                    new JobEndpointProtocol.SetProperty(
                        "dst/sink/alpha/data", "mountpoint", "/etc", r)))
        .isInstanceOfSatisfying(
            Refused.class, refused -> assertThat(refused.reason()).contains("mountpoint"));
    assertThat(ask(node("alpha"), r -> new JobEndpointProtocol.ListDatasets(null, r)))
        .isInstanceOf(Refused.class);
    assertThat(ask(node("alpha"), r -> new JobEndpointProtocol.ListDatasets(Set.of("used"), r)))
        .isInstanceOfSatisfying(
            Refused.class, refused -> assertThat(refused.reason()).contains("\"used\""));
  }

  @Test
  void aClientMaySetNoNativePropertyOnAPlaceholderButCanmountOff() {
    SinkReply mounted =
        ask(
            node("alpha"),
            r ->
                new JobEndpointProtocol.CreatePlaceholder(
                    "dst/sink/alpha/p", Map.of("mountpoint", "/etc"), r));
    SinkReply placeholder =
        ask(
            node("alpha"),
            r ->
                new JobEndpointProtocol.CreatePlaceholder(
                    "dst/sink/alpha/q", ReceiverLayout.placeholderProperties(), r));

    assertThat(mounted)
        .isEqualTo(
            new Refused(
                "alpha",
                "dst/sink/alpha/p",
                "a client may not set mountpoint=/etc on a placeholder"));
    assertThat(zfs.exists(DatasetName.of("dst/sink/alpha/p"))).isFalse();
    assertThat(placeholder).isInstanceOf(JobEndpointProtocol.Done.class);
    assertThat(zfs.getUserProperty("dst/sink/alpha/q", "zfleet:role")).contains("placeholder");
  }

  @Test
  void aRemoteReceiverSeesTheSinksRefusalsAndZfsErrorsAsALocalOneWould() {
    Described described = (Described) ask(node("alpha"), JobEndpointProtocol.Describe::new);
    RemoteReceiver receiver =
        new RemoteReceiver(
            testKit.system().scheduler(),
            endpoint,
            described,
            new DataPlaneClient(sslContext(), testKit.system()),
            new RemoteReceiver.Timeouts(WAIT, WAIT));

    receiver.createPlaceholder(
        DatasetName.of("dst/sink/alpha/p"), ReceiverLayout.placeholderProperties());
    receiver.setUserProperty("dst/sink/alpha/data@s1", "zfleet:note", "kept");
    receiver.destroySnapshot(SnapshotName.parse("dst/sink/alpha/data@s1"));

    assertThat(receiver.root()).isEqualTo(DatasetName.of("dst/sink/alpha"));
    assertThat(receiver.list(Set.of()))
        .extracting(d -> d.name().value())
        .containsExactly("dst/sink/alpha", "dst/sink/alpha/data", "dst/sink/alpha/p");
    assertThatThrownBy(
            () -> receiver.createPlaceholder(DatasetName.of("dst/sink/alpha/p"), Map.of()))
        .isInstanceOf(ZfsException.AlreadyExists.class)
        .hasMessageStartingWith("sink sink on node backup1: ");
    assertThatThrownBy(
            () -> receiver.destroySnapshot(SnapshotName.parse("dst/sink/alpha/data@gone")))
        .isInstanceOf(ZfsException.NotFound.class);
    assertThatThrownBy(() -> receiver.destroySnapshot(SnapshotName.parse("dst/sink/beta/data@s1")))
        .isInstanceOf(AccessRefused.class)
        .hasMessage(
            "refused alpha access to \"dst/sink/beta/data\": outside dst/sink/alpha (sink sink on node backup1)");
  }

  @Test
  void aListingTooLargeForTheClusterFailsAndSaysWhy() {
    testKit.stop(endpoint);
    endpoint =
        testKit.spawn(
            SinkEndpoint.create(
                setup(new AnswerSize(testKit.system(), AnswerSize.ENVELOPE + 300))));
    for (int i = 2; i <= 10; i++) {
      zfs.snapshot(List.of(ALPHA_DATA), "s" + i);
    }

    SinkReply reply = ask(node("alpha"), r -> new JobEndpointProtocol.ListDatasets(Set.of(), r));

    assertThat(reply)
        .isInstanceOfSatisfying(
            Failed.class,
            failed ->
                assertThat(failed.message())
                    .startsWith("the listing of 2 datasets with 10 snapshots takes ")
                    .endsWith(
                        " bytes, more than the 300 a node may answer; prune the receiver or split the sink"));
    assertThat(ask(node("alpha"), JobEndpointProtocol.Describe::new))
        .as("small answers still go")
        .isInstanceOf(Described.class);
  }

  private static javax.net.ssl.SSLContext sslContext() {
    try {
      return javax.net.ssl.SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
