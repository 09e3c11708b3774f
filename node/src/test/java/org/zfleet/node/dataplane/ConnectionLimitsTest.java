package org.zfleet.node.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.zfleet.node.tls.NodeIdentity;

class ConnectionLimitsTest {

  private static final InetAddress A = InetAddress.getLoopbackAddress();
  private static final InetAddress B = addr(new byte[] {10, 0, 0, 2});

  private static InetAddress addr(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void anAddressOverItsSetupBoundIsRefusedWhileOthersAreAdmitted() {
    ConnectionLimits limits = new ConnectionLimits(new DataPlaneSettings.Limits(4, 2, 100, 10));
    assertThat(limits.admit(A, 0)).isEmpty();
    assertThat(limits.admit(A, 1)).isEmpty();
    assertThat(limits.admit(A, 2)).hasValueSatisfying(why -> assertThat(why).contains("from"));
    assertThat(limits.admit(B, 2)).isEmpty();
    assertThat(limits.inSetup()).isEqualTo(3);
    limits.endSetup(A);
    assertThat(limits.admit(A, 3)).isEmpty();
  }

  @Test
  void setupSlotsInAllAndOpenConnectionsInAllAreBounded() {
    ConnectionLimits limits = new ConnectionLimits(new DataPlaneSettings.Limits(1, 1, 5, 10));
    assertThat(limits.admit(A, 0)).isEmpty();
    assertThat(limits.admit(B, 1)).contains("1 connections are in setup");
    limits.endSetup(A);
    assertThat(limits.inSetup()).isZero();
    assertThat(limits.admit(B, 5)).contains("5 connections are open");
    assertThat(limits.inSetup()).isZero();
  }

  @Test
  void aNodeOverItsOpenBoundIsRefusedUntilOneOfItsConnectionsCloses() {
    ConnectionLimits limits = new ConnectionLimits(new DataPlaneSettings.Limits(4, 4, 100, 2));
    NodeIdentity alpha = NodeIdentity.of("alpha");
    assertThat(limits.openFor(alpha)).isTrue();
    assertThat(limits.openFor(alpha)).isTrue();
    assertThat(limits.openFor(alpha)).isFalse();
    assertThat(limits.openFor(NodeIdentity.of("beta"))).isTrue();
    limits.closedFor(alpha);
    assertThat(limits.openFor(alpha)).isTrue();
  }
}
