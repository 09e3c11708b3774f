package org.zfleet.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.config.HostPort;

@Timeout(30)
class PeerIdentitiesTest {

  static final Address PEER = new Address("pekko", "zfleet", "10.0.0.2", 25520);
  static final HostPort PEER_HOST_PORT = new HostPort("10.0.0.2", 25520);

  ActorTestKit testKit;
  PeerIdentities identities;

  @BeforeEach
  void start() {
    testKit =
        ActorTestKit.create(
            "PeerIdentitiesTest",
            ConfigFactory.parseString("zfleet.cluster.node-name = backup1")
                .withFallback(ConfigFactory.load()));
    identities = PeerIdentities.get(testKit.system());
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void actorsOfThisNodeAreThisNode() {
    assertThat(identities.identityOf(testKit.createTestProbe().ref()))
        .isEqualTo(new PeerIdentity.Verified("backup1"));
  }

  static Stream<Arguments> peers() {
    return Stream.of(
        Arguments.of(
            Named.<Consumer<PeerIdentities>>of("unknown address", registry -> {}),
            new PeerIdentity.Unverified(PEER.toString(), "not a member of this cluster")),
        Arguments.of(
            Named.<Consumer<PeerIdentities>>of(
                "member not yet connected to",
                registry -> registry.recordMember(PEER_HOST_PORT, "backup2")),
            new PeerIdentity.Unverified(
                PEER.toString(), "member node:backup2 has not presented its certificate yet")),
        Arguments.of(
            Named.<Consumer<PeerIdentities>>of(
                "certificate without membership",
                registry -> registry.recordCertificate(PEER_HOST_PORT, "backup2")),
            new PeerIdentity.Unverified(PEER.toString(), "not a member of this cluster")),
        Arguments.of(
            Named.<Consumer<PeerIdentities>>of(
                "member whose certificate names it",
                registry -> {
                  registry.recordCertificate(PEER_HOST_PORT, "backup2");
                  registry.recordMember(PEER_HOST_PORT, "backup2");
                }),
            new PeerIdentity.Verified("backup2")),
        Arguments.of(
            Named.<Consumer<PeerIdentities>>of(
                "member whose certificate names another node",
                registry -> {
                  registry.recordCertificate(PEER_HOST_PORT, "mallory");
                  registry.recordMember(PEER_HOST_PORT, "backup2");
                }),
            new PeerIdentity.Unverified(
                PEER.toString(),
                "member claims node:backup2 but its certificate names \"mallory\"")),
        Arguments.of(
            Named.<Consumer<PeerIdentities>>of(
                "member that left",
                registry -> {
                  registry.recordCertificate(PEER_HOST_PORT, "backup2");
                  registry.recordMember(PEER_HOST_PORT, "backup2");
                  registry.forgetMember(PEER_HOST_PORT);
                }),
            new PeerIdentity.Unverified(PEER.toString(), "not a member of this cluster")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("peers")
  void peerIsVerifiedOnlyWhenItsMembershipAndCertificateAgree(
      Consumer<PeerIdentities> facts, PeerIdentity expected) {
    facts.accept(identities);

    assertThat(identities.identityOf(PEER)).isEqualTo(expected);
    assertThat(identities.identityOf(PEER).verifiedNode().isPresent())
        .isEqualTo(expected instanceof PeerIdentity.Verified);
  }
}
