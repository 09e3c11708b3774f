package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.LoadResult;
import org.zfleet.config.PushJob;
import org.zfleet.config.SinkJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.cycle.StepSpec;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepKind;
import org.zfleet.model.DatasetName;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.RealZfs;
import org.zfleet.zfs.RealZfsFixture;
import org.zfleet.zfs.ZfsCli;

/**
 * Resumable replication on real OpenZFS in the guest of {@code deploy/openzfs-vm.sh}: an increment
 * cut halfway is received with {@code -s}, and the next attempt sends only the rest from the
 * target's resume token; a partial receive of a stream the plan no longer sends is aborted and the
 * step starts over. The transfer runs at a limited rate so that the cut lands mid-stream.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class OpenZfsResumeIT {

  private static final String NODE = "n1";
  private static final int CUT_AFTER = 1 << 20;
  private static final ActorTestKit kit = ActorTestKit.create();
  private static RealZfs real;
  private static ZfsCli zfs;

  private RealZfsFixture fixture;
  private DatasetName src;
  private DatasetName sinkRoot;

  @BeforeAll
  static void openZfs() {
    real = RealZfs.openZfs();
    real.requirePools();
    zfs = ZfsCli.create(real.cliConfig());
  }

  @AfterAll
  static void close() {
    if (zfs != null) {
      zfs.close();
    }
    kit.shutdownTestKit();
  }

  @BeforeEach
  void scratch() {
    fixture = new RealZfsFixture(real);
    src = fixture.scratch(real.pool1(), "OpenZfsResumeIT");
    sinkRoot = fixture.scratch(real.pool2(), "OpenZfsResumeIT-sink");
  }

  @AfterEach
  void cleanUp() {
    ReplicationMarks marks = ReplicationMarks.of("push", "sink");
    real.releaseAll(src, List.of(marks.cursorHoldTag(), marks.stepHoldTag()));
    fixture.destroyAll();
  }

  @Test
  void aCutIncrementResumesFromItsTokenAndAStaleTokenIsAbortedAndTheStepStartsOver()
      throws Exception {
    assertThat(zfs.capabilities().resumableReceive()).isTrue();
    DatasetName fs = src.child("data");
    real.zfs("create", fs.value());
    real.writeRandom(fs, "first", 64 * 1024, 1);
    DirectJob job = push(fs);
    job.list();
    job.snapshot();
    assertThat(job.cycle().get(DirectJob.key(fs, StepKind.REPLICATE)).ok()).isTrue();
    DatasetName replica = sinkRoot.child(NODE).child(fs.value());

    // An increment of 3 MiB, cut after 1 MiB: the replica keeps what arrived.
    String second = nextSnapshot(job, fs, "second", 3 << 20, 2);
    DirectJob.Outcome cut = cutAfter(job, fs, CUT_AFTER);
    assertThat(cut.ok()).as("the cut step").isFalse();
    long arrived = tokenBytes(replica);
    assertThat(arrived).as("bytes kept by the partial receive").isPositive();
    assertThat(real.snapshots(replica)).doesNotContain(second);

    // The next attempt resumes where the partial receive stands and sends only the rest.
    DirectJob.Outcome resumed = job.run(replicateStep(job, fs));
    assertThat(resumed.ok()).as(resumed.summary()).isTrue();
    assertThat(resumed.summary()).contains("resumed at " + arrived + " bytes");
    long rest = resumed.result().bytes();
    assertThat(real.snapshots(replica)).contains(second);
    assertThat(real.property(replica, "receive_resume_token")).isEqualTo("-");
    assertThat(real.replicaContents(replica)).isEqualTo(real.contents(fs));
    System.out.printf(
        "resumed transfer: %d bytes kept from the cut stream, %d bytes sent on resuming%n",
        arrived, rest);

    // Cut again; then a person destroys the snapshot the partial stream was for: the next step
    // sends another stream, so the partial receive is aborted and the step starts over.
    String third = nextSnapshot(job, fs, "third", 3 << 20, 3);
    assertThat(cutAfter(job, fs, CUT_AFTER).ok()).isFalse();
    assertThat(tokenBytes(replica)).isPositive();
    // zfleet holds what a cycle sends until its next cycle: the person releases its holds first.
    String doomed = fs.snapshot(third).full();
    for (String hold : real.zfs("holds", "-H", doomed).lines().toList()) {
      real.zfs("release", hold.split("\t")[1].strip(), doomed);
    }
    real.zfs("destroy", doomed);
    String fourth = nextSnapshot(job, fs, "fourth", 64 * 1024, 4);
    DirectJob.Outcome restarted = job.run(replicateStep(job, fs));
    assertThat(restarted.ok()).as(restarted.summary()).isTrue();
    assertThat(restarted.summary()).doesNotContain("resumed");
    assertThat(real.snapshots(replica)).contains(fourth).doesNotContain(third);
    assertThat(real.property(replica, "receive_resume_token")).isEqualTo("-");
    assertThat(real.replicaContents(replica)).isEqualTo(real.contents(fs));
  }

  @Test
  void aCutFirstFullSendResumesIntoTheFilesystemItWasCreating() throws Exception {
    DatasetName fs = src.child("first");
    real.zfs("create", fs.value());
    real.writeRandom(fs, "big", 3 << 20, 5);
    DirectJob job = push(fs);
    job.list();
    job.snapshot();
    DatasetName replica = sinkRoot.child(NODE).child(fs.value());

    DirectJob.Outcome cut = cutAfter(job, fs, CUT_AFTER);
    assertThat(cut.ok()).as("the cut step").isFalse();
    long arrived = tokenBytes(replica);
    assertThat(arrived).as("bytes kept by the partial receive").isPositive();
    assertThat(real.snapshots(replica)).as("a filesystem without snapshots, being made").isEmpty();

    // The next cycle lists the half-made filesystem with its token: planned as absent, the full
    // step runs again and continues the partial receive.
    DirectJob.Outcome resumed = job.run(replicateStep(job, fs));
    assertThat(resumed.ok()).as(resumed.summary()).isTrue();
    assertThat(resumed.summary()).contains("resumed at " + arrived + " bytes");
    assertThat(real.snapshots(replica)).isEqualTo(real.snapshots(fs));
    assertThat(real.property(replica, "receive_resume_token")).isEqualTo("-");
    assertThat(real.localProperty(replica, "zfleet:role")).isEqualTo("replica");
    assertThat(real.property(replica, "readonly")).isEqualTo("on");
    assertThat(real.replicaContents(replica)).isEqualTo(real.contents(fs));
    System.out.printf(
        "resumed first full send: %d bytes kept from the cut stream, %d bytes sent on resuming%n",
        arrived, resumed.result().bytes());
  }

  private DirectJob push(DatasetName fs) {
    String text =
        String.join(
            "\n",
            "zfleet {",
            "  node { name = \"" + NODE + "\" }",
            "  jobs = [",
            "    { name = push, type = push, sink = sink",
            "      filesystems { \"" + fs + "\" = true }",
            "      snapshotting { type = manual, prefix = \"zf_\" }",
            "      pruning {",
            "        keep-sender = [ { type = last-n, count = 10 } ]",
            "        keep-receiver = [ { type = last-n, count = 10 } ]",
            "      }",
            "    }",
            "    { name = sink, type = sink, root-fs = \""
                + sinkRoot
                + "\", clients = [ \""
                + NODE
                + "\" ] }",
            "  ]",
            "}");
    LoadResult loaded = ConfigLoader.parse(text, "it.conf", NODE);
    assertThat(loaded.errors()).as("configuration").isEmpty();
    ZfleetConfig config = loaded.config().orElseThrow();
    PushJob push = (PushJob) config.job("push").orElseThrow();
    SinkJob sink = (SinkJob) config.job("sink").orElseThrow();
    Transfers transfers = Transfers.streams(Materializer.matFromSystem(kit.system()));
    NodePorts ports =
        TestPorts.of(zfs, new LocalReceiverDirectory(zfs, List.of(sink), transfers), Runnable::run);
    // Slow enough for the cut to land mid-stream, whatever the guest's speed.
    TransferOptions options = TransferOptions.defaults().withBandwidthLimit(512 * 1024);
    return new DirectJob(JobDrivers.push(push, NODE, ports, options), Clock.systemUTC());
  }

  /** Writes {@code bytes} of new data, then the job's next snapshot; returns its name. */
  private String nextSnapshot(DirectJob job, DatasetName fs, String file, int bytes, long seed)
      throws Exception {
    real.writeRandom(fs, file, bytes, seed);
    Thread.sleep(1100); // snapshot names go by the second
    job.list();
    job.snapshot();
    List<String> snapshots = real.snapshots(fs);
    return snapshots.get(snapshots.size() - 1);
  }

  private static StepSpec replicateStep(DirectJob job, DatasetName fs) throws Exception {
    return job.list().stream()
        .filter(l -> l.filesystem().equals(fs) && StepKind.of(l.step()) == StepKind.REPLICATE)
        .findFirst()
        .orElseThrow()
        .step();
  }

  /** Runs the replication step of {@code fs} and cancels it once {@code bytes} have passed. */
  private DirectJob.Outcome cutAfter(DirectJob job, DatasetName fs, long bytes) throws Exception {
    StepSpec step = replicateStep(job, fs);
    StepControl control = new StepControl();
    Thread cutter =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
              while (control.progress().bytes() < bytes && System.nanoTime() < deadline) {
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
              control.cancel("cut by the test after " + control.progress().bytes() + " bytes");
            });
    cutter.start();
    try {
      return job.run(step, control);
    } finally {
      cutter.interrupt();
      cutter.join();
    }
  }

  /** The bytes a partial receive kept, from its token; fails when there is none. */
  private long tokenBytes(DatasetName replica) {
    return zfs.resumeToken(replica).orElseThrow().bytes();
  }
}
