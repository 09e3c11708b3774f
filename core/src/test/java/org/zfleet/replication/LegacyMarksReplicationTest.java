package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.LoadResult;
import org.zfleet.config.PushJob;
import org.zfleet.config.SinkJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.cycle.StepSpec;
import org.zfleet.job.MutableClock;
import org.zfleet.job.StepKind;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.plan.Plan;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ZfsCapabilities;

/**
 * A push whose job name holds a '.' wrote its cursor as {@code job.destination} before marks were
 * made unambiguous. Through the listing, the planner and the replication: that cursor is found (the
 * next replication is incremental from it), and once the new cursor is written the legacy holds are
 * released and the legacy properties removed.
 */
class LegacyMarksReplicationTest {

  private static final ActorTestKit kit = ActorTestKit.create();
  private static final String NODE = "n1";
  private static final String JOB = "daily.local";
  private static final String SINK = "beta";
  private static final DatasetName FS = DatasetName.of("src/data/a");
  private static final DatasetName SINK_ROOT = DatasetName.of("dst/sink");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final InMemoryZfs zfs =
      new InMemoryZfs(clock, 3L, ZfsCapabilities.openZfs()).createPools("src", "dst");

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void aCursorInTheLegacyFormIsFoundThenRetiredOnceTheNewOneIsWritten() throws Exception {
    ReplicationMarks marks = ReplicationMarks.of(JOB, SINK);
    ReplicationMarks legacy = marks.legacy().orElseThrow();
    assertThat(legacy.cursorProperty()).isEqualTo("zfleet:cursor.daily.local.beta");
    zfs.createFilesystem(SINK_ROOT, Map.of(), false);
    zfs.createFilesystem(FS, Map.of(), true);
    DirectJob job = job();
    zfs.writeFile(FS, "f", new byte[] {1, 2, 3});
    job.list();
    job.snapshot();
    assertThat(job.cycle().get(DirectJob.key(FS, StepKind.REPLICATE)).ok()).isTrue();
    SnapshotName first = newest();

    // What an earlier version left: its cursor and a crashed step's mark, in the legacy form (it
    // held the cursor snapshot and made no cursor bookmark).
    assertThat(zfs.holds(first).tags().orElseThrow())
        .as("the cursor is a bookmark: nothing held between cycles")
        .isEmpty();
    zfs.destroyBookmark(FS, marks.cursorBookmark(Long.parseUnsignedLong(guid(first))));
    zfs.inheritUserProperty(FS, marks.cursorProperty());
    zfs.hold(first, legacy.cursorHoldTag());
    zfs.hold(first, legacy.stepHoldTag());
    zfs.setUserProperty(FS.value(), legacy.cursorProperty(), guid(first));
    zfs.setUserProperty(FS.value(), legacy.stepProperty(), first.name());

    clock.advance(Duration.ofMinutes(1));
    zfs.writeFile(FS, "g", new byte[] {4, 5, 6});
    job.snapshot();
    StepSpec.Replicate replicate =
        job.list().stream()
            .map(DirectJob.Listed::step)
            .filter(s -> s instanceof StepSpec.Replicate)
            .map(s -> (StepSpec.Replicate) s)
            .findFirst()
            .orElseThrow();
    assertThat(replicate.plan().cursorGuid()).hasValue(Long.parseUnsignedLong(guid(first)));
    assertThat(replicate.plan().plan()).isInstanceOf(Plan.Steps.class);
    assertThat(((Plan.Steps) replicate.plan().plan()).steps().get(0).from())
        .map(FilesystemVersion::name)
        .hasValue(first.name());

    assertThat(job.cycle().get(DirectJob.key(FS, StepKind.REPLICATE)).ok()).isTrue();
    SnapshotName second = newest();
    Map<String, String> properties = listing().properties();
    assertThat(properties).containsEntry(marks.cursorProperty(), guid(second));
    assertThat(properties)
        .doesNotContainKeys(legacy.cursorProperty(), legacy.stepProperty(), marks.stepProperty());
    assertThat(zfs.holds(first).tags().orElseThrow()).isEmpty();
    assertThat(zfs.holds(second).tags().orElseThrow()).isEmpty();
    assertThat(listing().versions())
        .filteredOn(v -> !v.isSnapshot())
        .extracting(FilesystemVersion::name)
        .containsExactly(marks.cursorBookmark(Long.parseUnsignedLong(guid(second))));
  }

  private DirectJob job() {
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
    LoadResult loaded = ConfigLoader.parse(text, "legacy.conf", NODE);
    assertThat(loaded.errors()).as("test configuration").isEmpty();
    ZfleetConfig config = loaded.config().orElseThrow();
    PushJob push = (PushJob) config.job(JOB).orElseThrow();
    SinkJob sink = (SinkJob) config.job(SINK).orElseThrow();
    Transfers transfers = Transfers.streams(Materializer.matFromSystem(kit.system()));
    NodePorts ports =
        TestPorts.of(zfs, new LocalReceiverDirectory(zfs, List.of(sink), transfers), Runnable::run);
    return new DirectJob(JobDrivers.push(push, NODE, ports, TransferOptions.defaults()), clock);
  }

  private DatasetListing listing() {
    ReplicationMarks marks = ReplicationMarks.of(JOB, SINK);
    return zfs.list(List.of(FS), Set.copyOf(marks.listedProperties())).get(0);
  }

  private SnapshotName newest() {
    List<FilesystemVersion> versions =
        listing().versions().stream().filter(FilesystemVersion::isSnapshot).toList();
    return FS.snapshot(versions.get(versions.size() - 1).name());
  }

  private String guid(SnapshotName snapshot) {
    return listing().versions().stream()
        .filter(v -> v.isSnapshot() && v.name().equals(snapshot.name()))
        .map(v -> Long.toUnsignedString(v.guid()))
        .findFirst()
        .orElseThrow();
  }
}
