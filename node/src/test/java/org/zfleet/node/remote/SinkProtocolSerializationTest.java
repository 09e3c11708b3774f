package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.node.cluster.ClusterConfig;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.JobEndpointProtocol.SinkReply;
import org.zfleet.zfs.DatasetListing;

/**
 * Every message between a push job and a sink endpoint survives the serializer the cluster uses
 * (Jackson CBOR, bound by {@link ClusterConfig}), field for field.
 */
@Timeout(30)
class SinkProtocolSerializationTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create("SinkProtocolSerializationTest", ClusterConfig.serialization());

  private static final TestProbe<SinkReply> replies = testKit.createTestProbe();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static DatasetListing listing() {
    return new DatasetListing(
        DatasetName.of("backup/sink/alpha/data/my vm.disk"),
        DatasetListing.Type.FILESYSTEM,
        List.of(
            FilesystemVersion.snapshot(
                "zfleet_20261128_120000_000", -3L, 17, Instant.parse("2026-11-28T12:00:00Z")),
            FilesystemVersion.bookmark(
                "zfleet_20261128_130000_000",
                Long.MAX_VALUE,
                18,
                Instant.parse("2026-11-28T13:00:01Z"))),
        Map.of("zfleet:role", "replica"),
        Map.of("zfleet_20261128_120000_000", Map.of("zfleet:role", "replica")));
  }

  static Stream<Arguments> messages() {
    var to = replies.getRef();
    return Stream.of(
        Arguments.of(Named.of("Describe", new JobEndpointProtocol.Describe(to))),
        Arguments.of(
            Named.of(
                "ListDatasets",
                new JobEndpointProtocol.ListDatasets(
                    Set.of("zfleet:role", "zfleet:cursor.a.b"), to))),
        Arguments.of(
            Named.of(
                "CreatePlaceholder",
                new JobEndpointProtocol.CreatePlaceholder(
                    "backup/sink/alpha/data", Map.of("canmount", "off"), to))),
        Arguments.of(
            Named.of(
                "DestroySnapshot",
                new JobEndpointProtocol.DestroySnapshot("backup/sink/alpha/data@s1", to))),
        Arguments.of(
            Named.of(
                "SetProperty",
                new JobEndpointProtocol.SetProperty(
                    "backup/sink/alpha/data", "zfleet:x", "y z", to))),
        Arguments.of(
            Named.of(
                "Described",
                new JobEndpointProtocol.Described(
                    "beta", "sink", "127.0.0.1", 27520, DatasetName.of("backup/sink/alpha")))),
        Arguments.of(Named.of("Listed", new JobEndpointProtocol.Listed(List.of(listing())))),
        Arguments.of(Named.of("Listed, empty", new JobEndpointProtocol.Listed(List.of()))),
        Arguments.of(Named.of("Done", new JobEndpointProtocol.Done("destroyed x@y"))),
        Arguments.of(
            Named.of(
                "Refused",
                new JobEndpointProtocol.Refused(
                    "alpha", "backup/sink/beta", "outside backup/sink/alpha"))),
        Arguments.of(
            Named.of(
                "Failed",
                new JobEndpointProtocol.Failed(
                    "AlreadyExists", "dataset exists", "cannot create: exists"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void roundTripsThroughTheClustersSerializer(Object message) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    assertThat(serialization.findSerializerFor(message).getClass().getSimpleName())
        .isEqualTo("JacksonCborSerializer");

    Object back = new SerializationTestKit(testKit.system()).verifySerialization(message, true);

    assertThat(back).isEqualTo(message);
  }

  @Test
  void aListingKeepsUnsignedGuidsAndTheOrderOfVersions() {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    var message = new JobEndpointProtocol.Listed(List.of(listing()));
    Serializer serializer = serialization.findSerializerFor(message);

    var back =
        (JobEndpointProtocol.Listed)
            serialization
                .deserialize(
                    serializer.toBinary(message),
                    serializer.identifier(),
                    Serializers.manifestFor(serializer, message))
                .get();

    List<FilesystemVersion> versions = back.datasets().get(0).versions();
    assertThat(versions)
        .extracting(FilesystemVersion::name)
        .containsExactly("zfleet_20261128_120000_000", "zfleet_20261128_130000_000");
    assertThat(Long.toUnsignedString(versions.get(0).guid())).isEqualTo("18446744073709551613");
  }
}
