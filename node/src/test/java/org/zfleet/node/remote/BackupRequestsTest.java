package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.SinkJob;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.node.dataplane.TransferRunner;
import org.zfleet.node.remote.EndpointReply.Backups;
import org.zfleet.node.remote.EndpointReply.Refused;
import org.zfleet.node.remote.EndpointReply.Sent;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.restore.Replica;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferResult;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.InMemoryZfs;

/**
 * A sink answers a client's backup requests about that client's own subtree only: it lists nothing
 * else, and sends a snapshot only of the client's own replicas, only back to the client's node (the
 * one its certificate names). Run over the in-memory ZFS with a recording outbound data plane.
 */
@Timeout(30)
class BackupRequestsTest {

  private static final DatasetName ROOT = DatasetName.of("dst/sink");
  private static final DatasetName ALPHA_DATA = DatasetName.of("dst/sink/alpha/tank/data");
  private static final DatasetName BETA_DATA = DatasetName.of("dst/sink/beta/tank/data");
  private static final SinkJob SINK = new SinkJob("sink", ROOT, List.of("alpha", "beta"));

  private final InMemoryZfs zfs = new InMemoryZfs().createPools("dst");
  private final List<String> sent = new ArrayList<>();
  private EndpointRequests endpoint;

  @BeforeEach
  void sink() {
    zfs.createFilesystem(ROOT, Map.of(), false);
    zfs.createFilesystem(ALPHA_DATA, ReceiverLayout.replicaProperties(), true);
    zfs.createFilesystem(BETA_DATA, ReceiverLayout.replicaProperties(), true);
    zfs.snapshot(List.of(ALPHA_DATA, BETA_DATA), "s1");
    zfs.snapshot(List.of(ALPHA_DATA, BETA_DATA), "s2");
    SourceRequests.Outbound outbound =
        (peer, header, send, options, listener) -> {
          send.kill();
          sent.add(
              peer.identity().name()
                  + " "
                  + peer.host()
                  + ":"
                  + peer.port()
                  + " "
                  + header.job()
                  + " "
                  + header.target()
                  + " "
                  + header.step());
          return done(42);
        };
    TransferRunner inline = TransferRunner.permits(new Semaphore(1), Runnable::run);
    PeerSteps steps = (id, peer, work) -> inline.run(NodeIdentity.of(peer), null, work);
    endpoint =
        new EndpointRequests(
            "backup1",
            List.of(SINK),
            List.of(),
            new SinkRequests(
                "backup1",
                zfs,
                Transfers.none(),
                java.util.Optional.of(new BackupRequests(zfs, outbound, steps))),
            new SourceRequests("backup1", zfs, outbound, steps));
  }

  @Test
  void aClientListsOnlyItsOwnReplicas() {
    List<Replica> alpha =
        ((Backups) ask("alpha", new EndpointRequest.ListBackups("sink"))).replicas();
    List<Replica> beta =
        ((Backups) ask("beta", new EndpointRequest.ListBackups("sink"))).replicas();

    assertThat(alpha).extracting(Replica::dataset).containsExactly(ALPHA_DATA);
    assertThat(alpha.get(0).client()).isEqualTo("alpha");
    assertThat(alpha.get(0).original()).isEqualTo(DatasetName.of("tank/data"));
    assertThat(alpha.get(0).snapshots())
        .extracting(FilesystemVersion::name)
        .containsExactly("s1", "s2");
    assertThat(beta).extracting(Replica::dataset).containsExactly(BETA_DATA);
    assertThat(ask("gamma", new EndpointRequest.ListBackups("sink")))
        .isEqualTo(new Refused("gamma", "dst/sink/gamma", "not a client of sink sink"));
  }

  @Test
  void aClientsOwnSnapshotIsSentBackToItsOwnNodeOnly() {
    FilesystemVersion s1 = version(ALPHA_DATA, "s1");

    EndpointReply full = ask("alpha", send(ALPHA_DATA + "@s1", null, "10.0.0.9", 7000));
    EndpointReply incremental = ask("alpha", send(ALPHA_DATA + "@s2", s1, "10.0.0.9", 7000));

    assertThat(full).isEqualTo(new Sent(42));
    assertThat(incremental).isEqualTo(new Sent(42));
    assertThat(sent)
        .containsExactly(
            "alpha 10.0.0.9:7000 zfleet-restore-1 tank/restored s1",
            "alpha 10.0.0.9:7000 zfleet-restore-1 tank/restored s1..s2");
  }

  @Test
  void anotherClientsReplicaAndNamesOutsideTheSubtreeAreRefusedAndNothingIsSent() {
    assertThat(ask("alpha", send(BETA_DATA + "@s1", null, "h", 1)))
        .isEqualTo(
            new Refused(
                "alpha", BETA_DATA + "@s1", "not a replica of alpha (below dst/sink/alpha)"));
    assertThat(ask("alpha", send("dst/sink@s1", null, "h", 1))).isInstanceOf(Refused.class);
    assertThat(ask("alpha", send("dst/sink/alpha/../beta/tank/data@s1", null, "h", 1)))
        .isInstanceOf(Refused.class);
    assertThat(ask("alpha", send(ALPHA_DATA + "@nope", null, "h", 1)))
        .isEqualTo(new Refused("alpha", ALPHA_DATA + "@nope", "no such snapshot"));
    // A base that is not the replica's (another guid), or not older, is refused too.
    FilesystemVersion betaS1 = version(BETA_DATA, "s1");
    assertThat(ask("alpha", send(ALPHA_DATA + "@s2", betaS1, "h", 1))).isInstanceOf(Refused.class);
    assertThat(ask("alpha", send(ALPHA_DATA + "@s1", version(ALPHA_DATA, "s2"), "h", 1)))
        .isInstanceOf(Refused.class);
    assertThat(ask("gamma", send(ALPHA_DATA + "@s1", null, "h", 1))).isInstanceOf(Refused.class);
    assertThat(sent).isEmpty();
  }

  // ---- helpers

  private static EndpointRequest.SendBackup send(
      String snapshot, FilesystemVersion from, String host, int port) {
    return new EndpointRequest.SendBackup(
        "sink", snapshot, from, false, "zfleet-restore-1", "tank/restored", host, port);
  }

  private FilesystemVersion version(DatasetName fs, String name) {
    return zfs.list(List.of(fs), java.util.Set.of()).get(0).versions().stream()
        .filter(v -> v.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private EndpointReply ask(String peer, EndpointRequest request) {
    // Through the codec, as the data plane hands it over.
    byte[] answer = endpoint.answer(NodeIdentity.of(peer), EndpointCodec.write(request));
    try {
      return EndpointCodec.reply(answer);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static RunningTransfer done(long bytes) {
    return new RunningTransfer() {
      @Override
      public CompletionStage<TransferResult> result() {
        return CompletableFuture.completedFuture(new TransferResult(bytes, Duration.ofSeconds(1)));
      }

      @Override
      public long bytesSoFar() {
        return bytes;
      }

      @Override
      public void cancel() {}
    };
  }
}
