package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.zfleet.replication.PushJobModel.A;
import static org.zfleet.replication.PushJobModel.B;
import static org.zfleet.replication.PushJobModel.MARKS;
import static org.zfleet.replication.PushJobModel.onReceiver;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.job.MutableClock;
import org.zfleet.job.StepKind;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.ReceiverState;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.transfer.TransferResult;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ModelHooks;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.ZfsException;

/**
 * The bad input for replication, on the in-memory ZFS: a sender snapshot destroyed between
 * planning and sending, a truncated and a corrupted stream, a foreign dataset where a replica would
 * go. Each step fails cleanly, the receiver stays at its last good snapshot, no hold or step mark
 * is left behind, and the next cycle replans and succeeds.
 */
@Timeout(60)
class ReplicationBadInputTest {

  private static final ActorTestKit kit = ActorTestKit.create();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private final AtomicBoolean corruptNextSend = new AtomicBoolean();
  private final AtomicBoolean failNextAfterCommit = new AtomicBoolean();
  private InMemoryZfs zfs;
  private DirectJob job;

  @BeforeEach
  void setUp() throws Exception {
    zfs = PushJobModel.modelZfs(clock, 11L);
    Transfers streams = DirectPushJob.transfers(Materializer.matFromSystem(kit.system()));
    Transfers transfers =
        (send, receive, options, listener) -> {
          RunningTransfer running =
              streams.start(
                  corruptNextSend.getAndSet(false) ? corrupted(send, 200) : send,
                  receive,
                  options,
                  listener);
          return failNextAfterCommit.getAndSet(false) ? failedAfterCommit(running, zfs) : running;
        };
    job =
        DirectPushJob.of(
            PushJobModel.config(PushJobModel.Settings.defaults()), zfs, clock, transfers);
    write(A, 5000, 1);
    write(B, 5000, 2);
    job.list();
  }

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void senderSnapshotDestroyedMidPlanFailsTheStepCleanlyAndTheNextCycleReplans() throws Exception {
    String s1 = replicatedSnapshot();
    write(A, 6000, 3);
    String s2 = snapshot();
    List<DirectJob.Listed> planned = job.list();
    // The cycle's prepare step holds what it sends: destroying it takes a release first.
    assertThatThrownBy(() -> zfs.destroySnapshot(A.snapshot(s2)))
        .isInstanceOf(ZfsException.Busy.class);
    zfs.release(A.snapshot(s2), MARKS.cursorHoldTag());
    zfs.destroySnapshot(A.snapshot(s2));

    DirectJob.Outcome failed = run(planned, A, StepKind.REPLICATE);
    assertThat(failed.ok()).isFalse();
    assertThat(failed.summary()).contains(s2);
    assertUnchanged(A, s1);
    assertThat(run(planned, B, StepKind.REPLICATE).ok()).as("the other filesystem").isTrue();
    assertThat(names(onReceiver(B))).endsWith(s2);

    Map<String, DirectJob.Outcome> next = job.cycle();
    assertThat(next.get(DirectJob.key(A, StepKind.REPLICATE)).summary()).startsWith("up to date");
    write(A, 7000, 4);
    String s3 = replicatedSnapshot();
    assertThat(names(onReceiver(A))).containsExactly(s1, s3);
    assertThat(zfs.contentChecksum(onReceiver(A).snapshot(s3)))
        .isEqualTo(zfs.contentChecksum(A.snapshot(s3)));
  }

  @Test
  void truncatedStreamFailsTheReceiveAndLeavesTheReceiverAtItsLastSnapshot() throws Exception {
    String s1 = replicatedSnapshot();
    write(A, 6000, 3);
    String s2 = snapshot();
    zfs.hooks().failNext(ModelHooks.Op.SEND, 1); // the first send of the cycle, A's, stops half-way

    Map<String, DirectJob.Outcome> cycle = job.cycle();
    DirectJob.Outcome failed = cycle.get(DirectJob.key(A, StepKind.REPLICATE));
    assertThat(failed.ok()).isFalse();
    assertThat(failed.failure())
        .isInstanceOfSatisfying(
            TransferFailedException.class,
            e -> assertThat(e.reason()).isEqualTo(TransferFailedException.Reason.SEND_FAILED));
    assertUnchanged(A, s1);
    assertThat(cycle.get(DirectJob.key(B, StepKind.REPLICATE)).ok()).isTrue();

    assertThat(job.cycle().get(DirectJob.key(A, StepKind.REPLICATE)).ok()).isTrue();
    assertThat(names(onReceiver(A))).containsExactly(s1, s2);
    assertThat(zfs.contentChecksum(onReceiver(A))).isEqualTo(zfs.contentChecksum(A));
  }

  @Test
  void corruptedStreamIsRefusedAndTheReceiverStaysAtItsLastSnapshot() throws Exception {
    String s1 = replicatedSnapshot();
    write(A, 6000, 3);
    String s2 = snapshot();
    corruptNextSend.set(true);

    DirectJob.Outcome failed = job.cycle().get(DirectJob.key(A, StepKind.REPLICATE));
    assertThat(failed.ok()).isFalse();
    assertThat(failed.failure())
        .isInstanceOfSatisfying(
            TransferFailedException.class,
            e -> assertThat(e.reason()).isEqualTo(TransferFailedException.Reason.RECEIVE_FAILED));
    assertUnchanged(A, s1);

    assertThat(job.cycle().get(DirectJob.key(A, StepKind.REPLICATE)).ok()).isTrue();
    assertThat(names(onReceiver(A))).containsExactly(s1, s2);
    assertThat(zfs.contentChecksum(onReceiver(A).snapshot(s2)))
        .isEqualTo(zfs.contentChecksum(A.snapshot(s2)));
  }

  @Test
  void foreignDatasetAtTheReceiverPathIsAConflictAndNeverOverwritten() throws Exception {
    DatasetName foreign = onReceiver(A);
    zfs.createFilesystem(foreign, Map.of(), true);
    write(foreign, 3000, 9);
    String theirs = zfs.contentChecksum(foreign);
    for (int i = 0; i < 2; i++) {
      write(A, 1000, 20 + i);
      snapshot();
      Map<String, DirectJob.Outcome> cycle = job.cycle();
      DirectJob.Outcome conflict = cycle.get(DirectJob.key(A, StepKind.REPLICATE));
      assertThat(conflict.failure()).isInstanceOf(ReplicationConflict.class);
      assertThat(conflict.summary()).contains("zfleet did not create");
      assertThat(names(foreign)).isEmpty();
      assertThat(zfs.contentChecksum(foreign)).isEqualTo(theirs);
      assertThat(cycle.get(DirectJob.key(B, StepKind.REPLICATE)).ok()).isTrue();
    }
  }

  @Test
  void firstReceiveCommittedDespiteItsFailureIsKeptAsAReplica() throws Exception {
    // As on zfs-fuse when the watchdog kills a stopped zfs receive whose stream its daemon took in.
    write(A, 4000, 5);
    String s1 = snapshot();
    failNextAfterCommit.set(true);
    DirectJob.Outcome failed = job.cycle().get(DirectJob.key(A, StepKind.REPLICATE));
    assertThat(failed.ok()).isFalse();
    assertThat(names(onReceiver(A))).containsExactly(s1);

    Map<String, DirectJob.Outcome> next = job.cycle();
    assertThat(next.get(DirectJob.key(A, StepKind.REPLICATE)).summary()).startsWith("up to date");
    assertUnchanged(A, s1);
    write(A, 4000, 6);
    String s2 = replicatedSnapshot();
    assertThat(names(onReceiver(A))).containsExactly(s1, s2);
    assertThat(zfs.contentChecksum(onReceiver(A))).isEqualTo(zfs.contentChecksum(A));
  }

  // ---- helpers

  /**
   * A transfer that reports a failure although its receive succeeded, with the new dataset left as
   * ZfsCli leaves it when its process is killed: without the role it sets once zfs has exited.
   */
  private static RunningTransfer failedAfterCommit(RunningTransfer running, InMemoryZfs zfs) {
    return new RunningTransfer() {
      @Override
      public CompletionStage<TransferResult> result() {
        return running
            .result()
            .thenCompose(
                r -> {
                  zfs.inheritUserProperty(onReceiver(A), ReceiverState.ROLE_PROPERTY);
                  return CompletableFuture.<TransferResult>failedFuture(
                      new TransferFailedException(
                          TransferFailedException.Reason.CANCELLED,
                          "transfer cancelled after " + r.bytes() + " bytes",
                          r.bytes(),
                          "",
                          "",
                          null));
                });
      }

      @Override
      public long bytesSoFar() {
        return running.bytesSoFar();
      }

      @Override
      public void cancel() {
        running.cancel();
      }
    };
  }

  private String snapshot() throws Exception {
    clock.advance(Duration.ofMinutes(1));
    job.snapshot();
    return newest(A);
  }

  private String replicatedSnapshot() throws Exception {
    String s = snapshot();
    Map<String, DirectJob.Outcome> cycle = job.cycle();
    assertThat(cycle.get(DirectJob.key(A, StepKind.REPLICATE)).ok()).as("%s", cycle).isTrue();
    assertThat(names(onReceiver(A))).endsWith(s);
    return s;
  }

  /** The receiver still ends at {@code last} with its data; the sender's marks are as before. */
  private void assertUnchanged(DatasetName fs, String last) {
    assertThat(names(onReceiver(fs))).endsWith(last);
    assertThat(zfs.contentChecksum(onReceiver(fs)))
        .isEqualTo(zfs.contentChecksum(fs.snapshot(last)));
    DatasetListing sender = listing(fs);
    long lastGuid =
        sender.versions().stream()
            .filter(v -> v.name().equals(last))
            .findFirst()
            .orElseThrow()
            .guid();
    assertThat(sender.properties().get(MARKS.cursorProperty()))
        .isEqualTo(Long.toUnsignedString(lastGuid));
    assertThat(sender.properties()).doesNotContainKey(MARKS.stepProperty());
    long lastTxg =
        sender.versions().stream()
            .filter(v -> v.guid() == lastGuid)
            .findFirst()
            .orElseThrow()
            .createTxg();
    for (FilesystemVersion v : sender.versions()) {
      // Newer snapshots stay held for the replication still to come (the prepare step held them).
      assertThat(zfs.holds(fs.snapshot(v.name())).count())
          .as("holds on %s@%s", fs, v.name())
          .isBetween(
              v.name().equals(last) ? 1 : 0,
              v.name().equals(last) || v.createTxg() > lastTxg ? 1 : 0);
    }
  }

  private DirectJob.Outcome run(List<DirectJob.Listed> planned, DatasetName fs, StepKind kind) {
    return job.run(
        planned.stream()
            .filter(l -> l.filesystem().equals(fs) && StepKind.of(l.step()) == kind)
            .findFirst()
            .orElseThrow());
  }

  private DatasetListing listing(DatasetName fs) {
    return zfs.list(List.of(fs), Set.of(MARKS.cursorProperty(), MARKS.stepProperty())).get(0);
  }

  private List<String> names(DatasetName fs) {
    return listing(fs).versions().stream()
        .filter(FilesystemVersion::isSnapshot)
        .map(FilesystemVersion::name)
        .toList();
  }

  private String newest(DatasetName fs) {
    List<String> names = names(fs);
    return names.get(names.size() - 1);
  }

  private void write(DatasetName fs, int size, long seed) {
    byte[] data = new byte[size];
    new java.util.Random(seed).nextBytes(data);
    zfs.writeFile(fs, "data", data);
  }

  /** The send with one byte flipped at {@code offset} of its stream. */
  private static SendProcess corrupted(SendProcess send, long offset) {
    InputStream flipping =
        new FilterInputStream(send.stdout()) {
          private long position;

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && position <= offset && offset < position + n) {
              b[off + (int) (offset - position)] ^= 0x5a;
            }
            position += Math.max(n, 0);
            return n;
          }
        };
    return new SendProcess() {
      @Override
      public InputStream stdout() {
        return flipping;
      }

      @Override
      public CompletionStage<Void> completion() {
        return send.completion();
      }

      @Override
      public void kill() {
        send.kill();
      }
    };
  }
}
