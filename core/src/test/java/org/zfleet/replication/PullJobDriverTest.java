package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.LoadResult;
import org.zfleet.config.PullJob;
import org.zfleet.config.SourceJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.cycle.CyclePlanner;
import org.zfleet.cycle.CycleSettings;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.StepSpec;
import org.zfleet.endpoint.LocalSender;
import org.zfleet.endpoint.RemoteSend;
import org.zfleet.endpoint.Sender;
import org.zfleet.job.CyclePorts;
import org.zfleet.job.JobDriver;
import org.zfleet.job.MutableClock;
import org.zfleet.job.StepControl;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.SendRequest;
import org.zfleet.zfs.ZfsCapabilities;

/**
 * A pull job's driver on the in-memory ZFS, source and pull sharing one model (as if on two nodes):
 * the source's filesystems land in {@code <root-fs>/<source node>}, full then incremental; the
 * cursor on the source is the pull job's and node's own, so two pulls do not disturb each other;
 * the sender is pruned by the pull's rules, never below its cursor.
 */
@Timeout(60)
class PullJobDriverTest {

  private static final ActorTestKit kit = ActorTestKit.create();
  private static final DatasetName DATA = DatasetName.of("prod/data");
  private static final DatasetName DOCS = DatasetName.of("prod/data/docs");
  private static final DatasetName BACKUP = DatasetName.of("backup/pulled");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private final InMemoryZfs zfs =
      new InMemoryZfs(clock, 7L, ZfsCapabilities.zfsFuse()).createPools("prod", "backup");
  private final Transfers transfers = Transfers.streams(Materializer.matFromSystem(kit.system()));
  private ZfleetConfig config;

  @BeforeEach
  void pools() {
    zfs.createFilesystem(DATA, Map.of(), true);
    zfs.createFilesystem(DOCS, Map.of(), true);
    zfs.writeFile(DATA, "a.bin", new byte[] {1, 2, 3});
    zfs.writeFile(DOCS, "b.bin", new byte[] {4, 5, 6});
    LoadResult loaded =
        ConfigLoader.parse(
            String.join(
                "\n",
                "zfleet {",
                "  node { name = \"beta\" }",
                "  jobs = [",
                "    { name = \"source\", type = source, clients = [ \"beta\", \"gamma\" ]",
                "      filesystems { \"prod/data<\" = true }",
                "      snapshotting { type = manual, prefix = \"zf_\" } }",
                "    { name = \"pull\", type = pull, source = \"source\", root-fs = \""
                    + BACKUP
                    + "\", interval = 10m",
                "      pruning { keep-sender = [ { type = last-n, count = 1 } ], keep-receiver = [ { type = last-n, count = 10 } ] } }",
                "  ]",
                "}"),
            "pull.conf",
            "beta");
    assertThat(loaded.errors()).as("test configuration").isEmpty();
    config = loaded.config().orElseThrow();
  }

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void pullsFullThenIncrementalIntoTheSourceNodesSubtree() throws Exception {
    DirectJob pull = driver("beta");
    String s1 = snapshot();
    cycle(pull);
    assertThat(snapshotsOf(BACKUP.child("alpha/prod/data"))).containsExactly(s1);
    assertThat(zfs.readFile(BACKUP.child("alpha/prod/data/docs"), "b.bin"))
        .contains(new byte[] {4, 5, 6});

    zfs.writeFile(DOCS, "c.bin", new byte[] {7});
    String s2 = snapshot();
    cycle(pull);
    assertThat(snapshotsOf(BACKUP.child("alpha/prod/data/docs"))).containsExactly(s1, s2);
    assertThat(zfs.readFile(BACKUP.child("alpha/prod/data/docs"), "c.bin"))
        .contains(new byte[] {7});
    assertThat(zfs.getUserProperty(DOCS.value(), "zfleet:cursor.pull.beta"))
        .contains(guid(DOCS, s2));
    // keep-sender last-n 1: s1 is gone from the source, s2 (the cursor) stays.
    assertThat(snapshotsOf(DOCS)).containsExactly(s2);
  }

  @Test
  void twoPullsOfOneSourceKeepTheirOwnCursors() throws Exception {
    DirectJob beta = driver("beta");
    String s1 = snapshot();
    cycle(beta);
    DirectJob gamma = driver("gamma", DatasetName.of("backup/gamma"));
    cycle(gamma);
    String s2 = snapshot();
    cycle(beta);

    assertThat(zfs.getUserProperty(DATA.value(), "zfleet:cursor.pull.beta"))
        .contains(guid(DATA, s2));
    assertThat(zfs.getUserProperty(DATA.value(), "zfleet:cursor.pull.gamma"))
        .contains(guid(DATA, s1));
    // beta's pruning (last-n 1) keeps s1: it is gamma's cursor, held for gamma.
    assertThat(snapshotsOf(DATA)).containsExactly(s1, s2);
    assertThat(zfs.holds(DATA.snapshot(s1)).count()).isEqualTo(1);

    cycle(gamma);
    assertThat(snapshotsOf(DatasetName.of("backup/gamma/alpha/prod/data"))).containsExactly(s1, s2);
    assertThat(zfs.getUserProperty(DATA.value(), "zfleet:cursor.pull.gamma"))
        .contains(guid(DATA, s2));
  }

  @Test
  void replansEveryIntervalAndTakesNoSnapshots() throws Exception {
    DirectJob pull = driver("beta");
    Instant now = clock.instant();
    CycleSettings settings = pull.driver.settings();
    JobListing listing = JobListing.EMPTY;
    assertThat(CyclePlanner.nextSnapshotDue(listing, settings, now)).isEmpty();
    assertThat(CyclePlanner.snapshot(listing, settings, now))
        .isInstanceOf(StepSpec.NoSnapshot.class);
    assertThat(CyclePlanner.nextReplanDue(settings, Optional.empty(), now)).contains(now);
    assertThat(CyclePlanner.nextReplanDue(settings, Optional.of(now), clock.instant()))
        .contains(now.plus(Duration.ofMinutes(10)));
  }

  @Test
  void anAbsentSourceFailsTheListingWithItsReason() {
    PullJob job = (PullJob) config.job("pull").orElseThrow();
    JobDriver pull =
        JobDrivers.pull(
            job, "beta", TestPorts.of(zfs, (s, i) -> null, SourceDirectory.NONE, Runnable::run));
    assertThatThrownBy(
            () ->
                pull.runner().work(new StepSpec.ListJob(), CyclePorts.NONE).run(new StepControl()))
        .isInstanceOf(ReceiverDirectory.Unavailable.class)
        .hasMessage("source source: this node is not in a cluster");
  }

  // ---- helpers

  private DirectJob driver(String node) {
    return driver(node, BACKUP);
  }

  /** A pull job on {@code node} whose source (node alpha) is served from the same model. */
  private DirectJob driver(String node, DatasetName root) {
    PullJob configured = (PullJob) config.job("pull").orElseThrow();
    PullJob job =
        new PullJob(
            configured.name(),
            configured.source(),
            root,
            configured.interval(),
            configured.senderPruning(),
            configured.receiverPruning(),
            configured.replication());
    SourceJob source = (SourceJob) config.job("source").orElseThrow();
    SourceDirectory sources =
        (sourceJob, pullJob, identity) -> {
          assertThat(sourceJob).isEqualTo("source");
          LocalSender local =
              new LocalSender(
                  zfs,
                  "source",
                  identity,
                  source.filesystems().roots(),
                  source.filesystems()::selects);
          return new PulledSource("alpha", Optional.of("zf_"), new Delivering(local));
        };
    return new DirectJob(
        JobDrivers.pull(job, node, TestPorts.of(zfs, (s, i) -> null, sources, Runnable::run)),
        clock);
  }

  /**
   * The source's sender whose sends are delivered into this model's receive, as the data plane
   * would.
   */
  private final class Delivering implements Sender {
    private final LocalSender local;

    Delivering(LocalSender local) {
      this.local = local;
    }

    @Override
    public ZfsCapabilities capabilities() {
      return local.capabilities();
    }

    @Override
    public List<DatasetListing> list(Set<String> userProperties) {
      return local.list(userProperties);
    }

    @Override
    public SendProcess send(SendRequest request) {
      return new RemoteSend() {
        @Override
        public RunningTransfer deliver(
            ReceiveRequest receive, TransferOptions options, ProgressListener listener) {
          return transfers.start(local.send(request), zfs.receive(receive), options, listener);
        }

        @Override
        public CompletionStage<Void> completion() {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public void kill() {}
      };
    }

    @Override
    public void hold(SnapshotName snapshot, String tag) {
      local.hold(snapshot, tag);
    }

    @Override
    public void release(SnapshotName snapshot, String tag) {
      local.release(snapshot, tag);
    }

    @Override
    public void bookmark(SnapshotName snapshot, String bookmark) {
      local.bookmark(snapshot, bookmark);
    }

    @Override
    public void setUserProperty(String datasetOrSnapshot, String property, String value) {
      local.setUserProperty(datasetOrSnapshot, property, value);
    }

    @Override
    public void inheritUserProperty(DatasetName dataset, String property) {
      local.inheritUserProperty(dataset, property);
    }

    @Override
    public void destroySnapshot(SnapshotName snapshot) {
      local.destroySnapshot(snapshot);
    }
  }

  /** The source's snapshot of both filesystems, a minute after the last. */
  private String snapshot() {
    clock.advance(Duration.ofMinutes(1));
    String name = new org.zfleet.schedule.SnapshotNaming("zf_").name(clock.instant());
    zfs.snapshot(List.of(DATA, DOCS), name);
    return name;
  }

  /**
   * Lists, then runs every filesystem's steps in order, parents first, as the supervisors would;
   * all must succeed.
   */
  private static void cycle(DirectJob job) throws Exception {
    List<String> failures = new ArrayList<>();
    job.cycle()
        .forEach(
            (step, outcome) -> {
              if (!outcome.ok()) {
                failures.add(step + ": " + outcome.summary());
              }
            });
    assertThat(failures).isEmpty();
  }

  private List<String> snapshotsOf(DatasetName fs) {
    return zfs.list(List.of(fs), Set.of()).stream()
        .filter(d -> d.name().equals(fs))
        .flatMap(d -> d.versions().stream())
        .filter(v -> v.isSnapshot())
        .map(v -> v.name())
        .toList();
  }

  private String guid(DatasetName fs, String snapshot) {
    return zfs.list(List.of(fs), Set.of()).stream()
        .filter(d -> d.name().equals(fs))
        .flatMap(d -> d.versions().stream())
        .filter(v -> v.name().equals(snapshot))
        .map(v -> Long.toUnsignedString(v.guid()))
        .findFirst()
        .orElseThrow();
  }
}
