package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.FilesystemFilter;
import org.zfleet.config.SendOptions;
import org.zfleet.config.Snapshotting;
import org.zfleet.config.SourceJob;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.node.cluster.ClusterConfig;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.JobEndpointProtocol.Done;
import org.zfleet.node.cluster.JobEndpointProtocol.Failed;
import org.zfleet.node.cluster.JobEndpointProtocol.Listed;
import org.zfleet.node.cluster.JobEndpointProtocol.Refused;
import org.zfleet.node.cluster.JobEndpointProtocol.SinkReply;
import org.zfleet.node.cluster.PeerIdentity;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.transfer.TransferResult;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.InMemoryZfs;

/**
 * A source's endpoint serves only its clients, only the filesystems its filter selects, lets them
 * touch only zfleet properties and holds, and streams only to the verified caller's node.
 */
@Timeout(30)
class SourceEndpointTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create("SourceEndpointTest", ClusterConfig.serialization());
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final DatasetName SERVED = DatasetName.of("prod/data");
  private static final DatasetName OTHER = DatasetName.of("prod/secret");
  private static final SourceJob SOURCE =
      new SourceJob(
          "source",
          FilesystemFilter.subtree(SERVED),
          List.of("beta"),
          new Snapshotting.Periodic("zfleet_", Duration.ofMinutes(10), List.of()),
          SendOptions.NONE);

  private final InMemoryZfs zfs = new InMemoryZfs().createPools("prod");
  private final ExecutorService blocking = Executors.newCachedThreadPool();
  private final Map<ActorRef<?>, PeerIdentity> identities = new ConcurrentHashMap<>();
  private final List<PeerAddress> streamedTo = new CopyOnWriteArrayList<>();
  private final List<TransferHeader> headers = new CopyOnWriteArrayList<>();
  private ActorRef<JobEndpointProtocol> endpoint;

  @BeforeEach
  void source() {
    zfs.createFilesystem(SERVED, Map.of(), true);
    zfs.createFilesystem(OTHER, Map.of(), true);
    zfs.snapshot(List.of(SERVED), "s1");
    zfs.snapshot(List.of(OTHER), "s1");
    SourceEndpoint.Outbound outbound =
        (peer, header, send, options) -> {
          streamedTo.add(peer);
          headers.add(header);
          send.kill();
          return new RunningTransfer() {
            @Override
            public java.util.concurrent.CompletionStage<TransferResult> result() {
              return java.util.concurrent.CompletableFuture.failedFuture(
                  new TransferFailedException(
                      TransferFailedException.Reason.REFUSED,
                      "no data plane in this test",
                      0,
                      "",
                      "",
                      null));
            }

            @Override
            public long bytesSoFar() {
              return 0;
            }

            @Override
            public void cancel() {}
          };
        };
    endpoint =
        testKit.spawn(
            SourceEndpoint.create(
                new SourceEndpoint.Setup(
                    "alpha",
                    SOURCE,
                    zfs,
                    outbound,
                    ref -> identities.getOrDefault(ref, new PeerIdentity.Verified("beta")),
                    blocking,
                    SinkEndpoint.ReplyCheck.NONE)));
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

  private SinkReply ask(String node, Function<ActorRef<SinkReply>, JobEndpointProtocol> request) {
    TestProbe<SinkReply> probe = testKit.createTestProbe();
    identities.put(probe.getRef(), new PeerIdentity.Verified(node));
    endpoint.tell(request.apply(probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  @Test
  void aClientListsOnlyTheFilesystemsTheFilterSelects() {
    SinkReply reply =
        ask("beta", r -> new JobEndpointProtocol.ListSource(Set.of("zfleet:cursor.pull.beta"), r));
    assertThat(reply).isInstanceOf(Listed.class);
    assertThat(((Listed) reply).datasets())
        .extracting(DatasetListing::name)
        .containsExactly(SERVED);
  }

  @Test
  void aNodeThatIsNotAClientIsRefusedForEveryRequest() {
    assertThat(ask("gamma", r -> new JobEndpointProtocol.ListSource(Set.of(), r)))
        .isEqualTo(new Refused("gamma", "", "not a client of source source"));
    assertThat(
            ask(
                "gamma",
                r -> new JobEndpointProtocol.Hold("prod/data@s1", "zfleet_cursor.pull.gamma", r)))
        .isInstanceOf(Refused.class);
    assertThat(ask("gamma", r -> new JobEndpointProtocol.DestroySnapshot("prod/data@s1", r)))
        .isInstanceOf(Refused.class);
    assertThat(
            ask(
                "gamma",
                r ->
                    new JobEndpointProtocol.StartSend(
                        "prod/data@s1",
                        null,
                        false,
                        "pull",
                        "backup/alpha/data",
                        false,
                        "127.0.0.1",
                        1,
                        r)))
        .isInstanceOf(Refused.class);
    assertThat(zfs.holds(SnapshotName.parse("prod/data@s1")).count()).isZero();
    assertThat(zfs.exists(SERVED)).isTrue();
    assertThat(streamedTo).isEmpty();
  }

  @Test
  void anUnverifiedNodeIsRefused() {
    TestProbe<SinkReply> probe = testKit.createTestProbe();
    identities.put(
        probe.getRef(),
        new PeerIdentity.Unverified("pekko://zfleet@10.0.0.9:2551", "no certificate"));
    endpoint.tell(new JobEndpointProtocol.ListSource(Set.of(), probe.getRef()));
    assertThat(probe.receiveMessage(WAIT)).isInstanceOf(Refused.class);
  }

  @Test
  void filesystemsOutsideTheFilterAreRefused() {
    assertThat(
            ask(
                "beta",
                r -> new JobEndpointProtocol.Hold("prod/secret@s1", "zfleet_cursor.pull.beta", r)))
        .isInstanceOf(Refused.class);
    assertThat(ask("beta", r -> new JobEndpointProtocol.DestroySnapshot("prod/secret@s1", r)))
        .isInstanceOf(Refused.class);
    assertThat(
            ask(
                "beta",
                r ->
                    new JobEndpointProtocol.SetProperty(
                        "prod/secret", "zfleet:cursor.pull.beta", "1", r)))
        .isInstanceOf(Refused.class);
    assertThat(
            ask(
                "beta",
                r ->
                    new JobEndpointProtocol.StartSend(
                        "prod/secret@s1",
                        null,
                        false,
                        "pull",
                        "backup/alpha/secret",
                        false,
                        "127.0.0.1",
                        1,
                        r)))
        .isInstanceOf(Refused.class);
    assertThat(zfs.holds(SnapshotName.parse("prod/secret@s1")).count()).isZero();
    assertThat(zfs.getUserProperty("prod/secret", "zfleet:cursor.pull.beta")).isEmpty();
    assertThat(streamedTo).isEmpty();
  }

  @Test
  void onlyZfleetPropertiesAndHoldsMayBeTouched() {
    assertThat(
            ask(
                "beta",
                r -> new JobEndpointProtocol.SetProperty("prod/data", "com.example:owner", "x", r)))
        .isInstanceOf(Refused.class);
    assertThat(
            ask(
                "beta",
                r -> new JobEndpointProtocol.InheritProperty("prod/data", "com.example:owner", r)))
        .isInstanceOf(Refused.class);
    assertThat(ask("beta", r -> new JobEndpointProtocol.ListSource(Set.of("com.example:owner"), r)))
        .isInstanceOf(Refused.class);
    assertThat(ask("beta", r -> new JobEndpointProtocol.Hold("prod/data@s1", "keep", r)))
        .isInstanceOf(Refused.class);
    assertThat(zfs.getUserProperty("prod/data", "com.example:owner")).isEmpty();
    assertThat(zfs.holds(SnapshotName.parse("prod/data@s1")).count()).isZero();
  }

  @Test
  void aClientKeepsItsCursorWithZfleetHoldsAndProperties() {
    SnapshotName s1 = SnapshotName.parse("prod/data@s1");
    assertThat(
            ask(
                "beta",
                r -> new JobEndpointProtocol.Hold(s1.toString(), "zfleet_cursor.pull.beta", r)))
        .isInstanceOf(Done.class);
    assertThat(
            ask(
                "beta",
                r ->
                    new JobEndpointProtocol.SetProperty(
                        "prod/data", "zfleet:cursor.pull.beta", "42", r)))
        .isInstanceOf(Done.class);
    assertThat(zfs.holds(s1).count()).isEqualTo(1);
    assertThat(zfs.getUserProperty("prod/data", "zfleet:cursor.pull.beta")).contains("42");
    assertThat(
            ask(
                "beta",
                r -> new JobEndpointProtocol.Release(s1.toString(), "zfleet_cursor.pull.beta", r)))
        .isInstanceOf(Done.class);
    assertThat(
            ask(
                "beta",
                r ->
                    new JobEndpointProtocol.InheritProperty(
                        "prod/data", "zfleet:cursor.pull.beta", r)))
        .isInstanceOf(Done.class);
    assertThat(zfs.holds(s1).count()).isZero();
    assertThat(zfs.getUserProperty("prod/data", "zfleet:cursor.pull.beta")).isEmpty();
  }

  @Test
  void aSendGoesToTheVerifiedCallersNodeAndItsFailureIsAnswered() {
    SinkReply reply =
        ask(
            "beta",
            r ->
                new JobEndpointProtocol.StartSend(
                    "prod/data@s1",
                    null,
                    false,
                    "pull",
                    "backup/alpha/data",
                    true,
                    "10.0.0.2",
                    27521,
                    r));
    assertThat(reply).isInstanceOf(Failed.class);
    assertThat(((Failed) reply).message()).contains("no data plane in this test");
    assertThat(streamedTo)
        .singleElement()
        .satisfies(
            peer -> {
              assertThat(peer.identity().name()).isEqualTo("beta");
              assertThat(peer.port()).isEqualTo(27521);
            });
    assertThat(headers)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.job()).isEqualTo("pull");
              assertThat(h.target()).isEqualTo(DatasetName.of("backup/alpha/data"));
              assertThat(h.force()).isTrue();
            });
  }
}
