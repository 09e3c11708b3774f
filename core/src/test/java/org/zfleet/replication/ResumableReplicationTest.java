package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.replication.PushJobModel.A;
import static org.zfleet.replication.PushJobModel.B;
import static org.zfleet.replication.PushJobModel.onReceiver;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zfleet.endpoint.Receiver;
import org.zfleet.job.MutableClock;
import org.zfleet.job.StepKind;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ModelHooks;
import org.zfleet.zfs.ModelResume;
import org.zfleet.zfs.ZfsCapabilities;
import org.zfleet.zfs.ZfsException;

/**
 * Resumable increments on the model with OpenZFS's capabilities: a cut increment resumes from the
 * replica's token; one the sender cannot serve is aborted and the step starts over; on zfs-fuse
 * nothing is resumable and a cut step simply runs again.
 */
class ResumableReplicationTest {

  /**
   * Big enough that, with the transfer's few buffered chunks, much of the half a cut send writes
   * has reached the receive before the send fails.
   */
  private static final int STREAM = 8 << 20;

  private static final ActorTestKit kit = ActorTestKit.create();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private InMemoryZfs zfs;
  private DirectJob job;

  /** The sink as the sender sees it: here, or as a sink on another node would answer. */
  private UnaryOperator<Receiver> asSeen = r -> r;

  private TokenTextReceiver remote;

  private void model(ZfsCapabilities capabilities) throws Exception {
    zfs = new InMemoryZfs(clock, 5L, capabilities).createPools("src", "dst");
    zfs.createFilesystem(PushJobModel.SINK_ROOT, Map.of(), false);
    zfs.createFilesystem(A, Map.of(), true);
    zfs.createFilesystem(B, Map.of(), true);
    job =
        DirectPushJob.of(
            PushJobModel.config(PushJobModel.Settings.defaults()),
            zfs,
            clock,
            DirectPushJob.transfers(Materializer.matFromSystem(kit.system())),
            asSeen);
    write(20_000, 1);
    job.list();
    snapshot();
    assertThat(replicateA().ok()).isTrue();
  }

  @BeforeEach
  void openZfs() throws Exception {
    model(ZfsCapabilities.openZfs());
  }

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void aCutIncrementResumesWhereItsPartialReceiveStands() throws Exception {
    write(STREAM, 2);
    String s2 = snapshot();
    zfs.hooks().failNext(ModelHooks.Op.SEND, 1); // stops half-way

    assertThat(replicateA().ok()).isFalse();
    long kept = zfs.resumeToken(onReceiver(A)).orElseThrow().bytes();
    assertThat(kept).isPositive();

    DirectJob.Outcome resumed = replicateA();
    assertThat(resumed.ok()).as(resumed.summary()).isTrue();
    assertThat(resumed.summary()).contains("resumed at " + kept + " bytes");
    assertThat(names()).endsWith(s2);
    assertThat(zfs.resumeToken(onReceiver(A))).isEmpty();
    assertThat(zfs.contentChecksum(onReceiver(A))).isEqualTo(zfs.contentChecksum(A));
  }

  @Test
  void aCutFirstFullSendResumesIntoTheFilesystemItWasCreating() throws Exception {
    byte[] data = new byte[STREAM];
    new java.util.Random(7).nextBytes(data);
    zfs.writeFile(B, "data", data);
    String s2 = snapshot();
    zfs.hooks().failNext(ModelHooks.Op.SEND, 1);

    assertThat(replicate(B).ok()).isFalse();
    long kept = zfs.resumeToken(onReceiver(B)).orElseThrow().bytes();
    assertThat(kept).isPositive();
    assertThat(zfs.peekSnapshots(onReceiver(B))).as("nothing received yet").isEmpty();

    DirectJob.Outcome resumed = replicate(B);
    assertThat(resumed.ok()).as(resumed.summary()).isTrue();
    assertThat(resumed.summary()).contains("resumed at " + kept + " bytes");
    assertThat(zfs.peekSnapshots(onReceiver(B))).containsExactly(s2);
    assertThat(zfs.resumeToken(onReceiver(B))).isEmpty();
    assertThat(zfs.contentChecksum(onReceiver(B))).isEqualTo(zfs.contentChecksum(B));
    assertThat(zfs.getUserProperty(onReceiver(B).value(), "zfleet:role")).contains("replica");
  }

  @Test
  void onZfsFuseACutFirstSendLeavesNoFilesystemAndStartsOver() throws Exception {
    model(ZfsCapabilities.zfsFuse());
    byte[] data = new byte[STREAM];
    new java.util.Random(8).nextBytes(data);
    zfs.writeFile(B, "data", data);
    String s2 = snapshot();
    zfs.hooks().failNext(ModelHooks.Op.SEND, 1);
    assertThat(replicate(B).ok()).isFalse();
    assertThat(zfs.exists(onReceiver(B))).isFalse();

    DirectJob.Outcome again = replicate(B);
    assertThat(again.ok()).as(again.summary()).isTrue();
    assertThat(again.summary()).doesNotContain("resumed");
    assertThat(zfs.peekSnapshots(onReceiver(B))).containsExactly(s2);
  }

  @Test
  void aSinkOnAnotherNodeSendsOnlyTheTokensTextAndTheSenderReadsItAndResumes() throws Exception {
    asRemoteSink(token -> token);
    write(STREAM, 5);
    String s2 = snapshot();
    zfs.hooks().failNext(ModelHooks.Op.SEND, 1);
    assertThat(replicateA().ok()).isFalse();
    long kept = zfs.resumeToken(onReceiver(A)).orElseThrow().bytes();

    DirectJob.Outcome resumed = replicateA();
    assertThat(resumed.ok()).as(resumed.summary()).isTrue();
    assertThat(resumed.summary()).contains("resumed at " + kept + " bytes");
    assertThat(remote.aborts).isZero();
    assertThat(names()).endsWith(s2);
    assertThat(zfs.contentChecksum(onReceiver(A))).isEqualTo(zfs.contentChecksum(A));
  }

  @Test
  void aSinksTokenThatNamesAnotherFilesystemOfTheSenderIsNeverSentFrom() throws Exception {
    // A modified sink answers, for a's partial receive, a token naming b's snapshot: zfs send -t
    // would send b's data to it. The sender reads the token itself, sees another stream, aborts
    // the partial receive and sends a's step from the start.
    String[] forged = {null};
    asRemoteSink(token -> forged[0]);
    zfs.writeFile(B, "secret", new byte[] {1, 2, 3});
    String s2 = snapshot();
    long bGuid =
        zfs.list(List.of(B), Set.of()).get(0).versions().stream()
            .filter(v -> v.name().equals(s2))
            .findFirst()
            .orElseThrow()
            .guid();
    forged[0] =
        ModelResume.token(
            new ModelResume.Partial(0, bGuid, B + "@" + s2, new byte[100], false), B + "@" + s2);
    write(STREAM, 6);
    String s3 = snapshot();
    zfs.hooks().failNext(ModelHooks.Op.SEND, 1);
    assertThat(replicateA().ok()).isFalse();
    assertThat(zfs.resumeToken(onReceiver(A))).isPresent();

    DirectJob.Outcome restarted = replicateA();
    assertThat(restarted.ok()).as(restarted.summary()).isTrue();
    assertThat(restarted.summary()).doesNotContain("resumed");
    assertThat(remote.aborts).isEqualTo(1);
    assertThat(names()).endsWith(s3);
    assertThat(zfs.contentChecksum(onReceiver(A))).isEqualTo(zfs.contentChecksum(A));
  }

  private void asRemoteSink(UnaryOperator<String> tamper) throws Exception {
    asSeen =
        r -> {
          remote = new TokenTextReceiver(r, tamper);
          return remote;
        };
    model(ZfsCapabilities.openZfs());
  }

  @Test
  void aTokenTheSenderCannotServeIsAbortedAndTheStepStartsOver() throws Exception {
    write(STREAM, 3);
    String s2 = snapshot();
    zfs.hooks().failNext(ModelHooks.Op.SEND, 1);
    assertThat(replicateA().ok()).isFalse();
    assertThat(zfs.resumeToken(onReceiver(A))).isPresent();
    zfs.hooks()
        .failNext(
            ModelHooks.Op.SEND,
            1,
            message -> new ZfsException.ResumeFailed(message, List.of(), "injected"));

    DirectJob.Outcome restarted = replicateA();
    assertThat(restarted.ok()).as(restarted.summary()).isTrue();
    assertThat(restarted.summary()).doesNotContain("resumed");
    assertThat(names()).endsWith(s2);
    assertThat(zfs.resumeToken(onReceiver(A))).isEmpty();
    assertThat(zfs.contentChecksum(onReceiver(A))).isEqualTo(zfs.contentChecksum(A));
  }

  @Test
  void onZfsFuseACutStepLeavesNothingAndRunsAgainWhole() throws Exception {
    model(ZfsCapabilities.zfsFuse());
    write(STREAM, 4);
    String s2 = snapshot();
    zfs.hooks().failNext(ModelHooks.Op.SEND, 1);
    assertThat(replicateA().ok()).isFalse();
    assertThat(zfs.resumeToken(onReceiver(A))).isEmpty();

    DirectJob.Outcome again = replicateA();
    assertThat(again.ok()).as(again.summary()).isTrue();
    assertThat(again.summary()).doesNotContain("resumed");
    assertThat(names()).endsWith(s2);
  }

  private DirectJob.Outcome replicateA() throws Exception {
    return replicate(A);
  }

  private DirectJob.Outcome replicate(DatasetName fs) throws Exception {
    return job.run(
        job.list().stream()
            .filter(l -> l.filesystem().equals(fs) && StepKind.of(l.step()) == StepKind.REPLICATE)
            .findFirst()
            .orElseThrow());
  }

  private String snapshot() throws Exception {
    clock.advance(Duration.ofMinutes(1));
    job.list();
    job.snapshot();
    List<String> names =
        zfs.list(List.of(A), Set.of()).get(0).versions().stream()
            .filter(FilesystemVersion::isSnapshot)
            .map(FilesystemVersion::name)
            .toList();
    return names.get(names.size() - 1);
  }

  private List<String> names() {
    return zfs.list(List.of(onReceiver(A)), Set.of()).get(0).versions().stream()
        .filter(FilesystemVersion::isSnapshot)
        .map(FilesystemVersion::name)
        .toList();
  }

  private void write(int size, long seed) {
    byte[] data = new byte[size];
    new java.util.Random(seed).nextBytes(data);
    zfs.writeFile(A, "data", data);
  }
}
