package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.zfleet.testing.Forwarding.forwarding;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.node.dataplane.Authorization;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.transfer.BandwidthLimit;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.ZfsPort;

/**
 * A pulling node accepts exactly the stream a pull step asked its source for, once, and nothing
 * else.
 */
class PullDataPlaneTest {

  private static final DatasetName ROOT = DatasetName.of("backup/pulled");
  private static final DatasetName TARGET = DatasetName.of("backup/pulled/alpha/prod/data");

  private final InMemoryZfs zfs = new InMemoryZfs().createPools("backup");
  private final PullDataPlane plane = new PullDataPlane("beta", zfs, Transfers.none());

  @BeforeEach
  void expectOneStream() {
    zfs.createFilesystem(ROOT.child("alpha"), Map.of(), true);
    plane.expect(
        "alpha", "pull", ROOT, receive(TARGET, true), Optional.empty(), ProgressListener.NONE);
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            Named.of("another node", "gamma"),
            "pull",
            TARGET.value(),
            true,
            "pull job pull expects backup/pulled/alpha/prod/data from node alpha, not from gamma for job pull"),
        Arguments.of(
            Named.of("another job", "alpha"),
            "other",
            TARGET.value(),
            true,
            "pull job pull expects backup/pulled/alpha/prod/data from node alpha, not from alpha for job other"),
        Arguments.of(
            Named.of("another target", "alpha"),
            "pull",
            "backup/pulled/alpha/prod/other",
            true,
            "no pull job of node beta expects a stream into backup/pulled/alpha/prod/other"),
        Arguments.of(
            Named.of("without the -F asked for", "alpha"),
            "pull",
            TARGET.value(),
            false,
            "pull job pull expects backup/pulled/alpha/prod/data with -F"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refuses(String peer, String job, String target, boolean force, String reason) {
    TransferHeader header =
        TransferHeader.receive(job, DatasetName.of(target), "s1").withForce(force);

    assertThat(plane.authorize(NodeIdentity.of(peer), header))
        .isEqualTo(Authorization.refused(reason));
  }

  @Test
  void acceptsTheExpectedStreamOnceAndReceivesIt() {
    TransferHeader header = TransferHeader.receive("pull", TARGET, "s1").withForce(true);

    assertThat(plane.authorize(NodeIdentity.of("alpha"), header))
        .isEqualTo(Authorization.allowed());
    ReceiveProcess receive = plane.open(NodeIdentity.of("alpha"), header);
    receive.kill();
    assertThat(plane.authorize(NodeIdentity.of("alpha"), header))
        .isEqualTo(Authorization.refused("the stream into " + TARGET + " has already arrived"));
  }

  @Test
  void aPullsStreamIsReadAtItsJobsBandwidthLimit() {
    DatasetName limited = ROOT.child("alpha/prod/limited");
    BandwidthLimit limit = BandwidthLimit.of(1024 * 1024);
    plane.expect(
        "alpha",
        "pull",
        ROOT,
        receive(limited, false).asResumable(),
        Optional.of(limit),
        ProgressListener.NONE);
    TransferHeader header = TransferHeader.receive("pull", limited, "s1");

    assertThat(plane.options(NodeIdentity.of("alpha"), header, TransferOptions.defaults()))
        .extracting(TransferOptions::bandwidthLimit)
        .isEqualTo(Optional.of(limit));
    assertThat(
            plane.options(
                NodeIdentity.of("alpha"),
                TransferHeader.receive("pull", TARGET, "s1"),
                TransferOptions.defaults()))
        .as("a pull without a limit")
        .isEqualTo(TransferOptions.defaults());
  }

  @Test
  void aWithdrawnExpectationAcceptsNothing() {
    DatasetName other = ROOT.child("alpha/prod/logs");
    plane
        .expect(
            "alpha", "pull", ROOT, receive(other, false), Optional.empty(), ProgressListener.NONE)
        .withdraw();

    assertThat(
            plane.authorize(NodeIdentity.of("alpha"), TransferHeader.receive("pull", other, "s1")))
        .isInstanceOf(Authorization.Refused.class);
    assertThatThrownBy(
            () -> plane.open(NodeIdentity.of("alpha"), TransferHeader.receive("pull", other, "s1")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void expectsNothingOutsideTheSourceNodesSubtree() {
    assertThatThrownBy(
            () ->
                plane.expect(
                    "alpha",
                    "pull",
                    ROOT,
                    receive(DatasetName.of("backup/pulled/gamma/x"), false),
                    Optional.empty(),
                    ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a pull from node alpha receives below backup/pulled/alpha, not into backup/pulled/gamma/x");
    assertThatThrownBy(
            () ->
                plane.expect(
                    "alpha",
                    "pull",
                    ROOT,
                    receive(ROOT.child("alpha"), false),
                    Optional.empty(),
                    ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPullReceivesAsItsStepAskedWithWhatThisNodesOwnListingFound() {
    List<ReceiveRequest> received = new CopyOnWriteArrayList<>();
    ZfsPort recording =
        forwarding(
            ZfsPort.class,
            zfs,
            (method, args) -> {
              if (method.equals("receive")) {
                received.add((ReceiveRequest) args[0]);
              }
            });
    PullDataPlane pulling = new PullDataPlane("beta", recording, Transfers.none());
    DatasetName replica = ROOT.child("alpha/prod/replica");
    ReceiveRequest step =
        ReceiveRequest.intoListedReplica(
                replica, List.of(FilesystemVersion.snapshot("s1", 11, 5, Instant.EPOCH)))
            .asResumable();
    pulling.expect("alpha", "pull", ROOT, step, Optional.empty(), ProgressListener.NONE);
    TransferHeader header = TransferHeader.receive("pull", replica, "s2");

    assertThat(pulling.authorize(NodeIdentity.of("alpha"), header))
        .isEqualTo(Authorization.allowed());
    pulling.open(NodeIdentity.of("alpha"), header).kill();

    assertThat(received).containsExactly(step.resumableIf(zfs.capabilities().resumableReceive()));
    assertThat(received.get(0).listedInert())
        .as("the replica's versions as the pulling node listed it: zfs is not asked again")
        .contains(step.listedInert().orElseThrow());
  }

  private static ReceiveRequest receive(DatasetName target, boolean force) {
    return new ReceiveRequest(target, force, Map.of());
  }
}
