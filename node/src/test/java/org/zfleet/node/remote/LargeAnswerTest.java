package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.HostPort;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.node.cluster.ClusterConfig;
import org.zfleet.node.cluster.ClusterSettings;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.JobEndpointProtocol.Listed;
import org.zfleet.node.cluster.JobEndpointProtocol.SinkReply;
import org.zfleet.node.cluster.TlsFiles;
import org.zfleet.zfs.DatasetListing;

/**
 * A listing larger than Artery's ordinary frames reaches the node that asked for it, through the
 * large-message lane {@link ClusterConfig} sets up for answers to asks; without that lane it would
 * be dropped. Two actor systems in this JVM, remoting over plain TCP on 127.0.0.1.
 */
@Timeout(60)
class LargeAnswerTest {

  private final List<ActorSystem<?>> systems = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ActorSystem<?> system : systems) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  private ActorSystem<Void> system(String name, boolean largeLane) {
    ClusterSettings settings =
        ClusterSettings.of(
            "n1",
            new HostPort("127.0.0.1", 25520),
            List.of(new HostPort("127.0.0.1", 25520)),
            List.of(),
            new TlsFiles(Path.of("/ca"), Path.of("/cert"), Path.of("/key")));
    // zfleet's settings, but remoting without the cluster and without TLS (no certificates here).
    Config config =
        ClusterConfig.of(settings)
            .withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("remote"))
            .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tcp"))
            .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(0));
    if (!largeLane) {
      config =
          config.withValue(
              "pekko.remote.artery.large-message-destinations",
              ConfigValueFactory.fromIterable(List.of()));
    }
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), name, config.withFallback(ConfigFactory.load()));
    systems.add(system);
    return system;
  }

  /** About 1.3 MiB of CBOR: five times Artery's ordinary frame. */
  private static Listed bigListing() {
    List<FilesystemVersion> versions = new ArrayList<>();
    for (int i = 0; i < 12_000; i++) {
      versions.add(
          FilesystemVersion.snapshot(
              "zfleet_20261128T1200" + String.format("%05d", i) + "Z",
              i * 7919L,
              i,
              Instant.parse("2026-11-28T12:00:00Z").plusSeconds(i)));
    }
    return new Listed(
        List.of(
            new DatasetListing(
                DatasetName.of("backup/sink/n1/tank/data"),
                DatasetListing.Type.FILESYSTEM,
                versions,
                Map.of("zfleet:role", "replica"),
                Map.of())));
  }

  /** A sink endpoint stand-in on {@code server}, as {@code client} resolves it. */
  private static ActorRef<JobEndpointProtocol> endpointSeenFrom(
      ActorSystem<?> client, ActorSystem<?> server, Listed answer) {
    ActorRef<JobEndpointProtocol> endpoint =
        server.systemActorOf(
            Behaviors.receive(JobEndpointProtocol.class)
                .onMessage(
                    JobEndpointProtocol.ListDatasets.class,
                    list -> {
                      list.replyTo().tell(answer);
                      return Behaviors.same();
                    })
                .build(),
            "sink-endpoint",
            org.apache.pekko.actor.typed.Props.empty());
    String path = ActorRefResolver.get(server).toSerializationFormat(endpoint);
    return ActorRefResolver.get(client).resolveActorRef(path);
  }

  private static SinkReply ask(
      ActorSystem<?> client, ActorRef<JobEndpointProtocol> endpoint, Duration timeout)
      throws Exception {
    return AskPattern.<JobEndpointProtocol, SinkReply>ask(
            endpoint,
            r -> new JobEndpointProtocol.ListDatasets(Set.of("zfleet:role"), r),
            timeout,
            client.scheduler())
        .toCompletableFuture()
        .get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
  }

  @Test
  void aListingOfManyMegabytesArrivesThroughTheLargeMessageLane() throws Exception {
    ActorSystem<Void> pusher = system("pusher", true);
    ActorSystem<Void> sink = system("sink", true);
    Listed answer = bigListing();

    SinkReply reply = ask(pusher, endpointSeenFrom(pusher, sink, answer), Duration.ofSeconds(20));

    assertThat(reply).isEqualTo(answer);
  }

  @Test
  void withoutTheLaneTheSameListingIsLost() {
    ActorSystem<Void> pusher = system("pusher", false);
    ActorSystem<Void> sink = system("sink", false);
    ActorRef<JobEndpointProtocol> endpoint = endpointSeenFrom(pusher, sink, bigListing());

    assertThatThrownBy(() -> ask(pusher, endpoint, Duration.ofSeconds(3)))
        .isInstanceOf(ExecutionException.class);
  }
}
