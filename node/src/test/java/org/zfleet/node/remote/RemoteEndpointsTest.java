package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.config.HostPort;
import org.zfleet.config.SinkJob;
import org.zfleet.endpoint.AccessRefused;
import org.zfleet.endpoint.Receiver;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.node.cluster.JobDirectory;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.JobKeys;
import org.zfleet.node.cluster.PeerIdentity;
import org.zfleet.node.dataplane.DataPlaneClient;
import org.zfleet.node.dataplane.DataPlaneServer;
import org.zfleet.node.dataplane.DataPlaneSettings;
import org.zfleet.node.dataplane.RequestChannel;
import org.zfleet.node.tls.TestCertificates;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.replication.LocalReceiverDirectory;
import org.zfleet.replication.ReceiverDirectory;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ZfsException;

/**
 * Sinks of other nodes as a push reaches them: found by name in the job directory, bound to one
 * node, asked over the data plane with mutual TLS on a kept connection. The sink's node ("beta")
 * and the asking nodes are certificates of one CA; the cluster's verification of members is given
 * per endpoint.
 */
@Timeout(60)
class RemoteEndpointsTest {

  private static final DatasetName ROOT = DatasetName.of("dst/sink");
  private static ActorTestKit testKit;
  @TempDir static Path certs;
  private static SSLContext alpha;
  private static SSLContext beta;
  private static SSLContext gamma;

  @TempDir Path data;
  private final InMemoryZfs zfs = new InMemoryZfs().createPools("dst", "own");
  private final Map<ActorRef<?>, PeerIdentity> members = new HashMap<>();
  private ActorRef<JobDirectory.Command> directory;
  private DataPlaneServer betaPlane;
  private DataPlaneServer gammaPlane;
  private RequestChannel channel;

  @BeforeAll
  static void certificates() {
    testKit = ActorTestKit.create("RemoteEndpointsTest");
    TestCertificates ca = TestCertificates.in(certs);
    alpha = ca.node("alpha");
    beta = ca.node("beta");
    gamma = ca.node("gamma");
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void nodes() throws IOException {
    zfs.createFilesystem(ROOT, Map.of(), false);
    zfs.createFilesystem(ROOT.child("alpha/data"), ReceiverLayout.replicaProperties(), true);
    zfs.snapshot(List.of(ROOT.child("alpha/data")), "s1");
    zfs.snapshot(List.of(ROOT.child("alpha/data")), "s2");
    zfs.createFilesystem(DatasetName.of("own/sink"), Map.of(), true);
    directory = testKit.spawn(JobDirectory.create("alpha"));
    betaPlane = sinkNode("beta", beta, List.of("alpha"));
    gammaPlane = sinkNode("gamma", gamma, List.of("alpha"));
  }

  @AfterEach
  void stop() {
    testKit.stop(directory);
    betaPlane.close();
    gammaPlane.close();
    if (channel != null) {
      channel.close();
    }
  }

  /** A node serving sink "remote" on its own data plane; its locator is not offered yet. */
  private DataPlaneServer sinkNode(String node, SSLContext tls, List<String> clients)
      throws IOException {
    SinkJob sink = new SinkJob("remote", ROOT, clients);
    EndpointRequests requests =
        new EndpointRequests(
            node,
            List.of(sink),
            List.of(),
            new SinkRequests(node, zfs, Transfers.none()),
            new SourceRequests(node, zfs, (p, h, s, o, l) -> null, (i, p, w) -> null));
    return DataPlaneServer.start(
        DataPlaneSettings.of("127.0.0.1", 0),
        tls,
        new DataPlaneServer.Services(
            (peer, header) -> org.zfleet.node.dataplane.Authorization.refused("no streams"),
            (peer, header) -> {
              throw new IllegalStateException();
            },
            Optional.of(requests),
            Optional.empty()),
        testKit.system());
  }

  /** Offers sink "remote" from {@code node}'s locator, which says its data plane is {@code at}. */
  private void offer(String node, DataPlaneServer at, boolean throughDirectory) {
    ActorRef<JobEndpointProtocol> locator =
        testKit.spawn(JobLocator.create(node, "remote", new HostPort("127.0.0.1", at.port())));
    members.put(locator, new PeerIdentity.Verified(node));
    if (throughDirectory) {
      directory.tell(new JobDirectory.Register("remote", JobDirectory.JobRole.SINK, locator));
    } else {
      testKit
          .system()
          .receptionist()
          .tell(Receptionist.register(JobKeys.keyFor("remote"), locator));
    }
  }

  private ReceiverDirectory sinks(SSLContext self, Map<String, String> configured) {
    channel = new RequestChannel(self);
    SinkJob own = new SinkJob("own", DatasetName.of("own/sink"), List.of("alpha"));
    return new RemoteEndpoints(
            directory,
            testKit.system().scheduler(),
            ref -> members.getOrDefault(ref, new PeerIdentity.Unverified("?", "not a member")),
            new EndpointBindings(data.resolve("pins"), configured),
            channel,
            new DataPlaneClient(self, testKit.system()))
        .receivers(new LocalReceiverDirectory(zfs, List.of(own), Transfers.none()), Set.of("own"));
  }

  private static <T> T eventually(java.util.function.Supplier<T> attempt) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try {
        return attempt.get();
      } catch (ReceiverDirectory.Unavailable e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException i) {
          throw new AssertionError(i);
        }
      }
    }
  }

  @Test
  void aSinkOnAnotherNodeIsAskedOverTheDataPlaneOnOneKeptConnection() {
    offer("beta", betaPlane, true);
    ReceiverDirectory sinks = sinks(alpha, Map.of());
    Receiver receiver = eventually(() -> sinks.receiver("remote", "alpha"));

    assertThat(receiver).isInstanceOf(RemoteReceiver.class);
    assertThat(receiver.root()).isEqualTo(DatasetName.of("dst/sink/alpha"));
    long before = betaPlane.acceptedConnections();
    long started = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      assertThat(receiver.list(Set.of())).hasSize(2);
    }
    System.out.printf(
        "200 listings on a kept connection: %.2f ms each%n",
        (System.nanoTime() - started) / 200 / 1e6);
    receiver.createPlaceholder(
        DatasetName.of("dst/sink/alpha/p"), ReceiverLayout.placeholderProperties());
    receiver.destroySnapshot(SnapshotName.parse("dst/sink/alpha/data@s1"));
    assertThat(betaPlane.acceptedConnections() - before)
        .as("TLS connections for 202 requests")
        .isLessThanOrEqualTo(1);
    assertThat(zfs.exists(DatasetName.of("dst/sink/alpha/p"))).isTrue();

    assertThatThrownBy(
            () -> receiver.createPlaceholder(DatasetName.of("dst/sink/alpha/p"), Map.of()))
        .isInstanceOf(ZfsException.AlreadyExists.class)
        .hasMessageStartingWith("sink remote on node beta: ");
    assertThatThrownBy(() -> receiver.destroySnapshot(SnapshotName.parse("dst/sink/alpha/data@s2")))
        .isInstanceOf(AccessRefused.class)
        .hasMessageContaining("newest snapshot");
  }

  @Test
  void aSinkOfThisNodeIsServedWithoutTheCluster() {
    Receiver receiver = sinks(alpha, Map.of()).receiver("own", "alpha");
    assertThat(receiver).isNotInstanceOf(RemoteReceiver.class);
    assertThat(receiver.root()).isEqualTo(DatasetName.of("own/sink/alpha"));
  }

  @Test
  void aSinkNoNodeOffersIsWhatThePushWaitsFor() {
    offer("beta", betaPlane, true);
    ReceiverDirectory sinks = sinks(alpha, Map.of());
    eventually(() -> sinks.receiver("remote", "alpha"));

    assertThatThrownBy(() -> sinks.receiver("nosuch", "alpha"))
        .isInstanceOf(ReceiverDirectory.Unavailable.class)
        .hasMessage("not reachable (no node offers job nosuch; known jobs: remote)");
  }

  @Test
  void theCallerIsTheNodeItsCertificateNames() {
    offer("beta", betaPlane, true);
    // gamma, not a client of beta's sink, finds it as alpha would; its connection says gamma.
    ReceiverDirectory sinks = sinks(gamma, Map.of());
    assertThatThrownBy(() -> eventually(() -> sinks.receiver("remote", "alpha")))
        .isInstanceOf(AccessRefused.class)
        .hasMessageContaining("refused gamma access")
        .hasMessageContaining("not a client of sink remote");
    assertThat(zfs.list(List.of(ROOT.child("alpha/data")), Set.of()).get(0).versions()).hasSize(2);
  }

  @Test
  void aLocatorThatPointsAtAnotherNodesDataPlaneLeadsNowhere() {
    // beta's locator (by its cluster address) says its data plane is gamma's.
    offer("beta", gammaPlane, true);
    ReceiverDirectory sinks = sinks(alpha, Map.of());
    assertThatThrownBy(() -> eventually(() -> sinks.receiver("remote", "alpha")))
        .isInstanceOf(ReceiverDirectory.Unavailable.class)
        .hasMessageContaining("presented itself as node gamma, not beta");
  }

  @Test
  void aSecondNodeOfferingTheBoundSinkIsReportedAndNotUsed() {
    offer("beta", betaPlane, true);
    ReceiverDirectory sinks = sinks(alpha, Map.of());
    eventually(() -> sinks.receiver("remote", "alpha"));

    offer("gamma", gammaPlane, false);
    long gammaBefore = gammaPlane.acceptedConnections();
    Receiver receiver = null;
    for (int i = 0; i < 50; i++) {
      receiver = sinks.receiver("remote", "alpha");
      receiver.list(Set.of());
    }
    assertThat(((RemoteReceiver) receiver).where()).isEqualTo("sink remote on node beta");
    assertThat(gammaPlane.acceptedConnections()).isEqualTo(gammaBefore);
  }
}
