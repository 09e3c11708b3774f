package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.config.SinkJob;
import org.zfleet.endpoint.AccessRefused;
import org.zfleet.model.DatasetName;
import org.zfleet.node.dataplane.Authorization;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ReceiveProcess;

/**
 * The data plane accepts a stream only for a local sink, from one of its clients, into that
 * client's subtree.
 */
class SinkDataPlaneTest {

  private final InMemoryZfs zfs = new InMemoryZfs().createPools("dst");
  private final SinkDataPlane plane =
      new SinkDataPlane(
          "backup1",
          zfs,
          List.of(new SinkJob("sink", DatasetName.of("dst/sink"), List.of("alpha", "beta"))),
          Transfers.none());

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            Named.of("an unknown job", "alpha"),
            "nosuch",
            "dst/sink/alpha/data",
            "no sink job named nosuch runs on node backup1 (sinks here: sink)"),
        Arguments.of(
            Named.of("a node that is not a client", "gamma"),
            "sink",
            "dst/sink/gamma/data",
            "refused gamma access to \"dst/sink/gamma\": not a client of sink sink"),
        Arguments.of(
            Named.of("another client's subtree", "alpha"),
            "sink",
            "dst/sink/beta/data",
            "refused alpha access to \"dst/sink/beta/data\": outside dst/sink/alpha"),
        Arguments.of(
            Named.of("outside the sink", "alpha"),
            "sink",
            "dst/other",
            "refused alpha access to \"dst/other\": outside dst/sink/alpha"),
        Arguments.of(
            Named.of("the client's root itself", "alpha"),
            "sink",
            "dst/sink/alpha",
            "refused alpha access to \"dst/sink/alpha\": the client's root holds placeholders only"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refuses(String peer, String job, String target, String reason) {
    TransferHeader header = TransferHeader.receive(job, DatasetName.of(target), "@a");

    assertThat(plane.authorize(NodeIdentity.of(peer), header))
        .isEqualTo(Authorization.refused(reason));
  }

  @Test
  void acceptsAClientIntoItsSubtreeAndReceivesThere() {
    zfs.createFilesystem(DatasetName.of("dst/sink/alpha"), Map.of(), true);
    TransferHeader header =
        TransferHeader.receive("sink", DatasetName.of("dst/sink/alpha/data"), "@a").withForce(true);

    assertThat(plane.authorize(NodeIdentity.of("alpha"), header))
        .isEqualTo(Authorization.allowed());
    ReceiveProcess receive = plane.open(NodeIdentity.of("alpha"), header);
    receive.kill();
  }

  @Test
  void opensNoReceiveOutsideTheSubtreeEvenIfAskedDirectly() {
    TransferHeader header =
        TransferHeader.receive("sink", DatasetName.of("dst/sink/beta/data"), "@a");

    assertThatThrownBy(() -> plane.open(NodeIdentity.of("alpha"), header))
        .isInstanceOf(AccessRefused.class);
    assertThat(zfs.exists(DatasetName.of("dst/sink/beta"))).isFalse();
  }
}
