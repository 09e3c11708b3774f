package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.LoadResult;
import org.zfleet.config.PushJob;
import org.zfleet.config.SinkJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.job.MutableClock;
import org.zfleet.job.StepKind;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ZfsCapabilities;

/**
 * A push job through the listing, the planner, the prepare step and the replication, on the
 * in-memory ZFS with and without bookmarks. With them the cursor is a bookmark: nothing stays held
 * between cycles, the older cursor bookmark goes once a newer one exists, and when a person
 * destroys the cursor snapshot the next cycle is still incremental, from the bookmark. Without them
 * (zfs-fuse) the cursor snapshot stays held, as it always was.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CursorBookmarkReplicationTest {

  private static final ActorTestKit kit = ActorTestKit.create();
  private static final String NODE = "n1";
  private static final String JOB = "push";
  private static final String SINK = "sink";
  private static final ReplicationMarks MARKS = ReplicationMarks.of(JOB, SINK);
  private static final DatasetName FS = DatasetName.of("src/data");
  private static final DatasetName SINK_ROOT = DatasetName.of("dst/sink");
  private static final DatasetName REPLICA = SINK_ROOT.child(NODE).child(FS.value());

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void theNextIncrementGoesFromTheCursorBookmarkAfterAPersonDestroyedItsSnapshot()
      throws Exception {
    InMemoryZfs zfs = zfs(ZfsCapabilities.openZfs());
    DirectJob job = job(zfs);
    zfs.writeFile(FS, "f", new byte[] {1});
    SnapshotName first = cycle(job, zfs);
    long firstGuid = guid(zfs, first);

    assertThat(bookmarks(zfs)).containsExactly(MARKS.cursorBookmark(firstGuid));
    assertThat(zfs.holds(first).tags().orElseThrow()).as("held only during the step").isEmpty();

    zfs.writeFile(FS, "f", new byte[] {2});
    SnapshotName second = cycle(job, zfs);
    assertThat(bookmarks(zfs))
        .as("the older cursor bookmark goes once the newer one exists")
        .containsExactly(MARKS.cursorBookmark(guid(zfs, second)));
    assertThat(zfs.holds(second).tags().orElseThrow()).isEmpty();

    // A person destroys the cursor snapshot (nothing holds it).
    zfs.destroySnapshot(second);
    zfs.writeFile(FS, "f", new byte[] {3});
    clock.advance(Duration.ofMinutes(1));
    job.snapshot();
    DirectJob.Outcome outcome = job.cycle().get(DirectJob.key(FS, StepKind.REPLICATE));

    assertThat(outcome.ok()).as(outcome.summary()).isTrue();
    SnapshotName third = newest(zfs, FS);
    assertThat(names(zfs, REPLICA)).containsExactly(first.name(), second.name(), third.name());
    assertThat(zfs.readFile(REPLICA, "f")).hasValue(new byte[] {3});
    assertThat(bookmarks(zfs)).containsExactly(MARKS.cursorBookmark(guid(zfs, third)));
    assertThat(zfs.holds(third).tags().orElseThrow()).isEmpty();
  }

  @Test
  void withoutBookmarksTheCursorSnapshotStaysHeldAsBefore() throws Exception {
    InMemoryZfs zfs = zfs(ZfsCapabilities.zfsFuse());
    DirectJob job = job(zfs);
    zfs.writeFile(FS, "f", new byte[] {1});
    SnapshotName first = cycle(job, zfs);
    zfs.writeFile(FS, "f", new byte[] {2});
    SnapshotName second = cycle(job, zfs);
    SnapshotName third = cycle(job, zfs);

    // A cursor's hold goes in the prepare step of the cycle after the one that moved past it.
    assertThat(zfs.holds(first).count()).isZero();
    assertThat(zfs.holds(second).count()).isEqualTo(1);
    assertThat(zfs.holds(third).tags()).isEmpty();
    assertThat(zfs.holds(third).count()).isEqualTo(1);
    assertThat(zfs.list(List.of(FS), Set.of()).get(0).versions())
        .allMatch(FilesystemVersion::isSnapshot);
  }

  private InMemoryZfs zfs(ZfsCapabilities capabilities) {
    InMemoryZfs zfs = new InMemoryZfs(clock, 5L, capabilities).createPools("src", "dst");
    zfs.createFilesystem(SINK_ROOT, java.util.Map.of(), false);
    zfs.createFilesystem(FS, java.util.Map.of(), true);
    return zfs;
  }

  /** One cycle after a minute: the job's snapshot, listed, replicated; returns the snapshot. */
  private SnapshotName cycle(DirectJob job, InMemoryZfs zfs) throws Exception {
    clock.advance(Duration.ofMinutes(1));
    job.list();
    job.snapshot();
    DirectJob.Outcome outcome = job.cycle().get(DirectJob.key(FS, StepKind.REPLICATE));
    assertThat(outcome.ok()).as(outcome.summary()).isTrue();
    return newest(zfs, FS);
  }

  private static List<String> bookmarks(InMemoryZfs zfs) {
    return zfs.list(List.of(FS), Set.of()).get(0).versions().stream()
        .filter(v -> !v.isSnapshot())
        .map(FilesystemVersion::name)
        .toList();
  }

  private static List<String> names(InMemoryZfs zfs, DatasetName fs) {
    return zfs.list(List.of(fs), Set.of()).get(0).versions().stream()
        .filter(FilesystemVersion::isSnapshot)
        .map(FilesystemVersion::name)
        .toList();
  }

  private static SnapshotName newest(InMemoryZfs zfs, DatasetName fs) {
    List<String> names = names(zfs, fs);
    return fs.snapshot(names.get(names.size() - 1));
  }

  private static long guid(InMemoryZfs zfs, SnapshotName snapshot) {
    return zfs.list(List.of(snapshot.dataset()), Set.of()).get(0).versions().stream()
        .filter(v -> v.isSnapshot() && v.name().equals(snapshot.name()))
        .findFirst()
        .orElseThrow()
        .guid();
  }

  private DirectJob job(InMemoryZfs zfs) {
    String text =
        String.join(
            "\n",
            "zfleet {",
            "  node { name = \"" + NODE + "\" }",
            "  jobs = [",
            "    { name = \"" + JOB + "\", type = push, sink = \"" + SINK + "\"",
            "      filesystems { \"" + FS + "\" = true }",
            "      snapshotting { type = manual, prefix = \"zf_\" }",
            "      pruning { keep-sender = [ { type = last-n, count = 10 } ],",
            "                keep-receiver = [ { type = last-n, count = 10 } ] }",
            "    }",
            "    { name = \"" + SINK + "\", type = sink, root-fs = \"" + SINK_ROOT + "\",",
            "      clients = [ \"" + NODE + "\" ] }",
            "  ]",
            "}");
    LoadResult loaded = ConfigLoader.parse(text, "bookmark.conf", NODE);
    assertThat(loaded.errors()).as("test configuration").isEmpty();
    ZfleetConfig config = loaded.config().orElseThrow();
    PushJob push = (PushJob) config.job(JOB).orElseThrow();
    SinkJob sink = (SinkJob) config.job(SINK).orElseThrow();
    Transfers transfers = Transfers.streams(Materializer.matFromSystem(kit.system()));
    NodePorts ports =
        TestPorts.of(zfs, new LocalReceiverDirectory(zfs, List.of(sink), transfers), Runnable::run);
    return new DirectJob(JobDrivers.push(push, NODE, ports, TransferOptions.defaults()), clock);
  }
}
