package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.HostPort;
import org.zfleet.config.SinkJob;
import org.zfleet.endpoint.AccessRefused;
import org.zfleet.endpoint.Receiver;
import org.zfleet.model.DatasetName;
import org.zfleet.node.cluster.JobDirectory;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.PeerIdentity;
import org.zfleet.node.dataplane.DataPlaneClient;
import org.zfleet.replication.LocalReceiverDirectory;
import org.zfleet.replication.ReceiverDirectory;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.InMemoryZfs;

/**
 * Sinks are found by name: this node's own directly, others through the job directory and their
 * endpoint, and a sink nobody offers is reported as what the push waits for.
 */
@Timeout(30)
class ClusterReceiverDirectoryTest {

  private static final ActorTestKit testKit = ActorTestKit.create("ClusterReceiverDirectoryTest");
  private final InMemoryZfs zfs = new InMemoryZfs().createPools("dst", "own");
  private final ExecutorService blocking = Executors.newCachedThreadPool();
  private final ActorRef<JobDirectory.Command> directory =
      testKit.spawn(JobDirectory.create("alpha"));

  @AfterEach
  void stop() {
    testKit.stop(directory);
    blocking.shutdownNow();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /**
   * A sink "remote" offered by an endpoint (as a peer node's would be) and a sink "own" of this
   * node.
   */
  private ClusterReceiverDirectory directory(String... clientsOfRemote) {
    zfs.createFilesystem(DatasetName.of("dst/sink"), Map.of(), false);
    SinkJob remote = new SinkJob("remote", DatasetName.of("dst/sink"), List.of(clientsOfRemote));
    ActorRef<JobEndpointProtocol> endpoint =
        testKit.spawn(
            SinkEndpoint.create(
                new SinkEndpoint.Setup(
                    "beta",
                    remote,
                    new HostPort("127.0.0.1", 27520),
                    zfs,
                    Transfers.none(),
                    ref -> new PeerIdentity.Verified("alpha"),
                    blocking,
                    SinkEndpoint.ReplyCheck.NONE)));
    directory.tell(new JobDirectory.Register("remote", JobDirectory.JobRole.SINK, endpoint));
    SinkJob own = new SinkJob("own", DatasetName.of("own/sink"), List.of("alpha"));
    ReceiverDirectory local = new LocalReceiverDirectory(zfs, List.of(own), Transfers.none());
    DataPlaneClient dataPlane = new DataPlaneClient(sslContext(), testKit.system());
    return new ClusterReceiverDirectory(
        local,
        Set.of("own"),
        directory,
        testKit.system().scheduler(),
        dataPlane,
        new RemoteReceiver.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)));
  }

  @Test
  void aSinkOnAnotherNodeIsReachedThroughItsEndpoint() {
    Receiver receiver = directory("alpha").receiver("remote", "alpha");

    assertThat(receiver).isInstanceOf(RemoteReceiver.class);
    assertThat(receiver.root()).isEqualTo(DatasetName.of("dst/sink/alpha"));
    assertThat(((RemoteReceiver) receiver).where()).isEqualTo("sink remote on node beta");
  }

  @Test
  void aSinkOfThisNodeIsServedWithoutTheCluster() {
    Receiver receiver = directory("alpha").receiver("own", "alpha");

    assertThat(receiver).isNotInstanceOf(RemoteReceiver.class);
    assertThat(receiver.root()).isEqualTo(DatasetName.of("own/sink/alpha"));
  }

  @Test
  void aSinkNoNodeOffersIsWhatThePushWaitsFor() {
    ClusterReceiverDirectory sinks = directory("alpha");

    assertThatThrownBy(() -> sinks.receiver("nosuch", "alpha"))
        .isInstanceOf(ReceiverDirectory.Unavailable.class)
        .hasMessage("not reachable (no node offers job nosuch; known jobs: remote)");
  }

  @Test
  void aSinkThatDoesNotServeThisNodeRefusesIt() {
    assertThatThrownBy(() -> directory("gamma").receiver("remote", "alpha"))
        .isInstanceOf(AccessRefused.class)
        .hasMessage("refused alpha access to \"dst/sink/alpha\": not a client of sink remote");
  }

  private static javax.net.ssl.SSLContext sslContext() {
    try {
      return javax.net.ssl.SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
