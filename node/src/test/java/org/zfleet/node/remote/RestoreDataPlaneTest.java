package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.model.DatasetName;
import org.zfleet.node.dataplane.Authorization;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.zfs.InMemoryZfs;

/**
 * A restore's node accepts exactly the stream its restore asked for: from the sink's node, into the
 * target, once, without {@code -F}; every other stream with a restore's header is refused.
 */
@Timeout(10)
class RestoreDataPlaneTest {

  private static final DatasetName TARGET = DatasetName.of("tank/restored");

  private final RestoreDataPlane plane = new RestoreDataPlane("alpha", new InMemoryZfs());

  @Test
  void onlyTheExpectedStreamFromTheSinksNodeIsAcceptedAndOnlyOnce() {
    RestoreDataPlane.Expected expected = plane.expect("beta", TARGET, ProgressListener.NONE);
    TransferHeader header = TransferHeader.receive(expected.id, TARGET, "s1");

    assertThat(plane.authorize(NodeIdentity.of("gamma"), header))
        .isInstanceOf(Authorization.Refused.class);
    assertThat(
            plane.authorize(
                NodeIdentity.of("beta"),
                TransferHeader.receive(expected.id, DatasetName.of("tank/other"), "s1")))
        .isInstanceOf(Authorization.Refused.class);
    assertThat(plane.authorize(NodeIdentity.of("beta"), header.withForce(true)))
        .isInstanceOf(Authorization.Refused.class);
    assertThat(
            plane.authorize(
                NodeIdentity.of("beta"),
                TransferHeader.receive(RestoreDataPlane.PREFIX + "guessed", TARGET, "s1")))
        .isInstanceOf(Authorization.Refused.class);
    assertThat(plane.authorize(NodeIdentity.of("beta"), header))
        .isInstanceOf(Authorization.Allowed.class);
    assertThat(plane.authorize(NodeIdentity.of("beta"), header))
        .as("a second stream")
        .isInstanceOf(Authorization.Refused.class);
  }

  @Test
  void aWithdrawnRestoreExpectsNothing() {
    RestoreDataPlane.Expected expected = plane.expect("beta", TARGET, ProgressListener.NONE);
    expected.withdraw();

    assertThat(
            plane.authorize(
                NodeIdentity.of("beta"), TransferHeader.receive(expected.id, TARGET, "s1")))
        .isInstanceOf(Authorization.Refused.class);
  }
}
