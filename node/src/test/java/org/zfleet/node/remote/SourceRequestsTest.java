package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.FilesystemFilter;
import org.zfleet.config.SendOptions;
import org.zfleet.config.Snapshotting;
import org.zfleet.config.SourceJob;
import org.zfleet.job.StepControl;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.node.dataplane.TransferHeader;
import org.zfleet.node.dataplane.TransferRunner;
import org.zfleet.node.remote.EndpointReply.Done;
import org.zfleet.node.remote.EndpointReply.Failed;
import org.zfleet.node.remote.EndpointReply.Listed;
import org.zfleet.node.remote.EndpointReply.Refused;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.replication.ReplicationMarks.Mark;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.transfer.TransferResult;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ModelResume;
import org.zfleet.zfs.ZfsCapabilities;

/**
 * A source serves only its clients (as their certificates name them), only the filesystems its
 * filter selects; a client touches only its own marks, never another's, and cannot destroy the
 * newest snapshot or a held one; a send goes to the caller's own node as a step of this node.
 */
@Timeout(30)
class SourceRequestsTest {

  private static final DatasetName SERVED = DatasetName.of("prod/data");
  private static final DatasetName OTHER = DatasetName.of("prod/secret");
  private static final SourceJob SOURCE =
      new SourceJob(
          "source",
          FilesystemFilter.subtree(SERVED),
          List.of("beta", "gamma"),
          new Snapshotting.Periodic("zfleet_", Duration.ofMinutes(10), List.of()),
          SendOptions.NONE);
  private static final SnapshotName S1 = SnapshotName.parse("prod/data@s1");
  private static final SnapshotName S2 = SnapshotName.parse("prod/data@s2");

  private InMemoryZfs zfs = new InMemoryZfs().createPools("prod");
  private final List<PeerAddress> streamedTo = new CopyOnWriteArrayList<>();
  private final List<TransferHeader> headers = new CopyOnWriteArrayList<>();
  private final List<String> steps = new CopyOnWriteArrayList<>();
  private EndpointRequests endpoint;

  @BeforeEach
  void source() {
    zfs.createFilesystem(SERVED, Map.of(), true);
    zfs.createFilesystem(OTHER, Map.of(), true);
    zfs.snapshot(List.of(SERVED, OTHER), "s1");
    zfs.snapshot(List.of(SERVED, OTHER), "s2");
    SourceRequests.Outbound outbound =
        (peer, header, send, options, listener) -> {
          streamedTo.add(peer);
          headers.add(header);
          send.kill();
          return failedTransfer();
        };
    PeerSteps direct =
        (id, peer, work) -> {
          steps.add(id.kind().label() + " " + id.job() + " " + id.filesystem() + " to " + peer);
          CompletableFuture<org.zfleet.job.StepResult> result = new CompletableFuture<>();
          try {
            result.complete(work.run(new StepControl()));
          } catch (Exception e) {
            result.completeExceptionally(e);
          }
          return new TransferRunner.Running() {
            @Override
            public java.util.concurrent.CompletionStage<Void> started() {
              return CompletableFuture.completedFuture(null);
            }

            @Override
            public java.util.concurrent.CompletionStage<org.zfleet.job.StepResult> result() {
              return result;
            }

            @Override
            public void cancel(String reason) {}
          };
        };
    endpoint =
        new EndpointRequests(
            "alpha",
            List.of(),
            List.of(SOURCE),
            new SinkRequests("alpha", zfs, org.zfleet.transfer.Transfers.none()),
            new SourceRequests("alpha", zfs, outbound, direct));
  }

  private EndpointReply ask(String peer, EndpointRequest request) {
    return endpoint.answer(NodeIdentity.of(peer), request);
  }

  @Test
  void aClientListsOnlyTheFilesystemsTheFilterSelects() {
    EndpointReply reply =
        ask("beta", new EndpointRequest.ListSource("source", Set.of("zfleet:cursor.pull.beta")));
    assertThat(((Listed) reply).datasets())
        .extracting(DatasetListing::name)
        .containsExactly(SERVED);
  }

  @Test
  void aNodeThatIsNotAClientIsRefusedForEveryRequest() {
    assertThat(ask("delta", new EndpointRequest.ListSource("source", Set.of())))
        .isEqualTo(new Refused("delta", "", "not a client of source source"));
    assertThat(ask("delta", hold(S1, "pull", Mark.CURSOR, true))).isInstanceOf(Refused.class);
    assertThat(ask("delta", new EndpointRequest.DestroySnapshot("source", S1.toString())))
        .isInstanceOf(Refused.class);
    assertThat(ask("delta", send(S1))).isInstanceOf(Refused.class);
    assertThat(zfs.holds(S1).count()).isZero();
    assertThat(streamedTo).isEmpty();
  }

  @Test
  void filesystemsOutsideTheFilterAreRefused() {
    SnapshotName secret = SnapshotName.parse("prod/secret@s1");
    assertThat(ask("beta", hold(secret, "pull", Mark.CURSOR, true))).isInstanceOf(Refused.class);
    assertThat(ask("beta", new EndpointRequest.DestroySnapshot("source", secret.toString())))
        .isInstanceOf(Refused.class);
    assertThat(
            ask(
                "beta",
                new EndpointRequest.SetMark(
                    "source", "prod/secret", "pull", Mark.CURSOR, false, "1")))
        .isInstanceOf(Refused.class);
    assertThat(ask("beta", send(secret))).isInstanceOf(Refused.class);
    assertThat(zfs.holds(secret).count()).isZero();
    assertThat(zfs.getUserProperty("prod/secret", "zfleet:cursor.pull.beta")).isEmpty();
    assertThat(streamedTo).isEmpty();
  }

  @Test
  void aClientTouchesOnlyItsOwnMarksNamedByItsVerifiedName() {
    // beta's cursor hold, as beta's pull keeps it.
    assertThat(ask("beta", hold(S1, "pull", Mark.CURSOR, true))).isInstanceOf(Done.class);
    assertThat(
            ask(
                "beta",
                new EndpointRequest.SetMark(
                    "source", "prod/data", "pull", Mark.CURSOR, false, "42")))
        .isInstanceOf(Done.class);
    ReplicationMarks beta = ReplicationMarks.of("pull", "beta");
    assertThat(zfs.holds(S1).count()).isEqualTo(1);
    assertThat(zfs.getUserProperty("prod/data", beta.cursorProperty())).contains("42");

    // gamma, a client too, asks to release "the pull job's cursor": it can only name its own.
    assertThat(ask("gamma", hold(S1, "pull", Mark.CURSOR, false))).isInstanceOf(Done.class);
    assertThat(
            ask(
                "gamma",
                new EndpointRequest.SetMark(
                    "source", "prod/data", "pull", Mark.CURSOR, false, null)))
        .isInstanceOf(Done.class);
    assertThat(zfs.holds(S1).count()).as("beta's hold").isEqualTo(1);
    assertThat(zfs.getUserProperty("prod/data", beta.cursorProperty())).contains("42");

    // beta releases its own.
    assertThat(ask("beta", hold(S1, "pull", Mark.CURSOR, false))).isInstanceOf(Done.class);
    assertThat(zfs.holds(S1).count()).isZero();
  }

  @Test
  void aClientCannotDestroyTheNewestSnapshotNorAHeldOne() {
    ask("beta", hold(S1, "pull", Mark.CURSOR, true));

    assertThat(ask("gamma", new EndpointRequest.DestroySnapshot("source", S2.toString())))
        .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).contains("newest"));
    assertThat(ask("gamma", new EndpointRequest.DestroySnapshot("source", S1.toString())))
        .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).contains("held"));
    assertThat(zfs.list(List.of(SERVED), Set.of()).get(0).versions())
        .extracting(v -> v.name())
        .containsExactly("s1", "s2");

    ask("beta", hold(S1, "pull", Mark.CURSOR, false));
    assertThat(ask("gamma", new EndpointRequest.DestroySnapshot("source", S1.toString())))
        .isInstanceOf(Done.class);
  }

  @Test
  void listingsOnlyOfZfleetPropertiesAndBadNamesAreRefused() {
    assertThat(ask("beta", new EndpointRequest.ListSource("source", Set.of("com.example:owner"))))
        .isInstanceOf(Refused.class);
    for (String pullJob : List.of("", "-x", "a b", "a@b", "a/b", "../x")) {
      assertThat(ask("beta", hold(S1, pullJob, Mark.CURSOR, true)))
          .as(pullJob)
          .isInstanceOf(Refused.class);
    }
    for (String snapshot : List.of("prod/data", "prod/data@", "prod/data@a@b", "-prod/data@s1")) {
      assertThat(ask("beta", new EndpointRequest.DestroySnapshot("source", snapshot)))
          .as(snapshot)
          .isInstanceOf(Refused.class);
    }
    assertThat(zfs.holds(S1).count()).isZero();
  }

  @Test
  void aResumeTokenIsSentFromOnlyWhenTheSourceReadsItAsTheAskedSnapshot() {
    zfs =
        new InMemoryZfs(java.time.Clock.systemUTC(), 1L, ZfsCapabilities.openZfs())
            .createPools("prod");
    source();
    long secretGuid = zfs.list(List.of(OTHER), Set.of()).get(0).versions().get(0).guid();
    String secret =
        ModelResume.token(
            new ModelResume.Partial(0, secretGuid, "prod/secret@s1", new byte[10], false),
            "prod/secret@s1");
    // A modified puller asks to resume a send of a served snapshot with a token that names one
    // outside the filter: zfs send -t would send that one.
    assertThat(ask("beta", resume(S1, secret)))
        .asInstanceOf(InstanceOfAssertFactories.type(Refused.class))
        .satisfies(r -> assertThat(r.reason()).contains("does not continue a send of " + S1));
    assertThat(ask("beta", resume(S1, "1-zz-not-a-token"))).isInstanceOf(Refused.class);
    assertThat(streamedTo).isEmpty();

    long s1Guid = zfs.list(List.of(SERVED), Set.of()).get(0).versions().get(0).guid();
    String own =
        ModelResume.token(
            new ModelResume.Partial(0, s1Guid, S1.full(), new byte[10], false), S1.full());
    ask("beta", resume(S1, own));
    assertThat(headers)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.resumable()).isTrue();
              assertThat(h.target()).isEqualTo(DatasetName.of("backup/alpha/data"));
            });
  }

  @Test
  void aSendGoesToTheVerifiedCallersNodeAsAStepAndItsFailureIsAnswered() {
    EndpointReply reply = ask("beta", send(S1));

    assertThat(reply)
        .isInstanceOfSatisfying(
            Failed.class, f -> assertThat(f.message()).contains("no data plane"));
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
    assertThat(steps).containsExactly("send source prod/data to beta");
  }

  private static EndpointRequest hold(SnapshotName s, String pullJob, Mark mark, boolean hold) {
    return new EndpointRequest.HoldMark("source", s.toString(), pullJob, mark, false, hold);
  }

  private static EndpointRequest send(SnapshotName s) {
    return resume(s, null);
  }

  private static EndpointRequest resume(SnapshotName s, String token) {
    return new EndpointRequest.StartSend(
        "source",
        s.toString(),
        null,
        false,
        "pull",
        "backup/alpha/data",
        true,
        "10.0.0.2",
        27521,
        token);
  }

  private static RunningTransfer failedTransfer() {
    return new RunningTransfer() {
      @Override
      public java.util.concurrent.CompletionStage<TransferResult> result() {
        return CompletableFuture.failedFuture(
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
  }
}
