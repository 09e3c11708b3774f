package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.node.cluster.ClusterConfig;
import org.zfleet.node.cluster.JobEndpointProtocol;
import org.zfleet.node.cluster.JobEndpointProtocol.SinkReply;

/**
 * Every message between a pull job and a source endpoint survives the cluster's serializer, field
 * for field.
 */
@Timeout(30)
class SourceProtocolSerializationTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create("SourceProtocolSerializationTest", ClusterConfig.serialization());

  private static final TestProbe<SinkReply> replies = testKit.createTestProbe();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static Stream<Arguments> messages() {
    var to = replies.getRef();
    FilesystemVersion base =
        FilesystemVersion.snapshot(
            "zfleet_20261128_120000_000", -3L, 17, Instant.parse("2026-11-28T12:00:00Z"));
    return Stream.of(
        Arguments.of(Named.of("DescribeSource", new JobEndpointProtocol.DescribeSource(to))),
        Arguments.of(
            Named.of(
                "SourceDescribed",
                new JobEndpointProtocol.SourceDescribed("alpha", "source", "zfleet_"))),
        Arguments.of(
            Named.of(
                "ListSource",
                new JobEndpointProtocol.ListSource(Set.of("zfleet:cursor.pull.beta"), to))),
        Arguments.of(
            Named.of(
                "Hold",
                new JobEndpointProtocol.Hold("prod/data@s1", "zfleet_cursor.pull.beta", to))),
        Arguments.of(
            Named.of(
                "Release",
                new JobEndpointProtocol.Release("prod/data@s1", "zfleet_step.pull.beta", to))),
        Arguments.of(
            Named.of(
                "InheritProperty",
                new JobEndpointProtocol.InheritProperty("prod/data", "zfleet:step.pull.beta", to))),
        Arguments.of(
            Named.of(
                "StartSend, full",
                new JobEndpointProtocol.StartSend(
                    "prod/data@s2",
                    null,
                    false,
                    "pull",
                    "backup/alpha/prod/data",
                    false,
                    "10.0.0.2",
                    27521,
                    to))),
        Arguments.of(
            Named.of(
                "StartSend, -I from an unsigned guid",
                new JobEndpointProtocol.StartSend(
                    "prod/my data@s2",
                    base,
                    true,
                    "pull",
                    "backup/alpha/prod/my data",
                    true,
                    "backup.example.org",
                    27521,
                    to))),
        Arguments.of(Named.of("Sent", new JobEndpointProtocol.Sent(Long.MAX_VALUE))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void roundTripsThroughTheClustersSerializer(Object message) {
    Object back = new SerializationTestKit(testKit.system()).verifySerialization(message, true);

    assertThat(back).isEqualTo(message);
  }
}
