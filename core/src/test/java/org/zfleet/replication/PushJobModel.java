package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.Materializer;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.LoadResult;
import org.zfleet.config.PushJob;
import org.zfleet.config.SinkJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.job.FilesystemStatus;
import org.zfleet.job.JobActor;
import org.zfleet.job.JobDriver;
import org.zfleet.job.JobStatus;
import org.zfleet.job.MutableClock;
import org.zfleet.job.NodeContext;
import org.zfleet.job.StepKind;
import org.zfleet.job.Watchdog;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.schedule.SnapshotNaming;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ZfsCapabilities;

/**
 * A push job and its local sink over the in-memory ZFS, run by a {@link JobActor} with the daemon's
 * watchdog (one check a second) under the test kit's manual time and a clock moved with it. Sender
 * filesystems live under {@code src/data} (not selected itself, so it becomes a placeholder); the
 * sink's root is {@code dst/sink} and this node is {@code n1}.
 */
final class PushJobModel implements AutoCloseable {

  static final String NODE = "n1";
  static final String JOB = "push";
  static final String SINK = "sink";
  static final DatasetName A = DatasetName.of("src/data/a");
  static final DatasetName B = DatasetName.of("src/data/b c");
  static final DatasetName SINK_ROOT = DatasetName.of("dst/sink");
  static final Duration CHECK = Duration.ofSeconds(1);
  static final Duration STALL = Duration.ofSeconds(10);
  static final Duration BACKOFF = Duration.ofSeconds(5);
  static final ReplicationMarks MARKS = ReplicationMarks.of(JOB, SINK);

  final InMemoryZfs zfs;
  final MutableClock clock;

  /**
   * While set, the sink's directory says the sink is not reachable (as for a node that is down).
   */
  volatile boolean sinkAway;

  private final ActorTestKit testKit;
  private final ManualTime manualTime;
  private final ExecutorService blocking;
  private final ActorRef<Watchdog.Command> watchdog;
  private ActorRef<JobActor.Command> job;
  private PushJob push;

  /** The job's settings a test varies; the rest is fixed. */
  record Settings(
      String filesystems,
      String keepSender,
      String keepReceiver,
      String initialReplication,
      TransferOptions transfer,
      String snapshotting,
      int concurrency) {
    static Settings defaults() {
      return new Settings(
          "\"src/data/a\" = true, \"src/data/b c\" = true",
          "{ type = not-replicated }, { type = last-n, count = 1 }",
          "{ type = last-n, count = 2 }",
          "most-recent",
          TransferOptions.defaults(),
          "type = manual, prefix = \"zf_\"",
          2);
    }

    Settings withFilesystems(String entries) {
      return new Settings(
          entries,
          keepSender,
          keepReceiver,
          initialReplication,
          transfer,
          snapshotting,
          concurrency);
    }

    Settings withKeepSender(String rules) {
      return new Settings(
          filesystems,
          rules,
          keepReceiver,
          initialReplication,
          transfer,
          snapshotting,
          concurrency);
    }

    Settings withKeepReceiver(String rules) {
      return new Settings(
          filesystems, keepSender, rules, initialReplication, transfer, snapshotting, concurrency);
    }

    Settings withInitialReplication(String policy) {
      return new Settings(
          filesystems, keepSender, keepReceiver, policy, transfer, snapshotting, concurrency);
    }

    Settings withTransfer(TransferOptions options) {
      return new Settings(
          filesystems,
          keepSender,
          keepReceiver,
          initialReplication,
          options,
          snapshotting,
          concurrency);
    }

    /** Filesystems of the job replicated at the same time. */
    Settings withConcurrency(int n) {
      return new Settings(
          filesystems, keepSender, keepReceiver, initialReplication, transfer, snapshotting, n);
    }

    /** The job's {@code snapshotting} section, e.g. a schedule instead of manual. */
    Settings withSnapshotting(String section) {
      return new Settings(
          filesystems,
          keepSender,
          keepReceiver,
          initialReplication,
          transfer,
          section,
          concurrency);
    }
  }

  PushJobModel(ActorTestKit testKit, Instant start) {
    this(testKit, start, Executors.newCachedThreadPool());
  }

  /** With the steps run on {@code blocking} (which the model shuts down when closed). */
  PushJobModel(ActorTestKit testKit, Instant start, ExecutorService blocking) {
    this.blocking = blocking;
    this.testKit = testKit;
    this.manualTime = ManualTime.get(testKit.system());
    this.clock = new MutableClock(start);
    this.zfs = modelZfs(clock, 7L);
    this.watchdog = testKit.spawn(Watchdog.create(CHECK));
  }

  /**
   * Pools src and dst, the sink's root, and the filesystems A and B (under an unselected parent).
   */
  static InMemoryZfs modelZfs(MutableClock clock, long seed) {
    InMemoryZfs zfs =
        new InMemoryZfs(clock, seed, ZfsCapabilities.zfsFuse()).createPools("src", "dst");
    zfs.createFilesystem(SINK_ROOT, java.util.Map.of(), false);
    zfs.createFilesystem(A, java.util.Map.of(), true);
    zfs.createFilesystem(B, java.util.Map.of(), true);
    return zfs;
  }

  static ZfleetConfig config(Settings s) {
    String text =
        String.join(
            "\n",
            "zfleet {",
            "  node { name = \"" + NODE + "\" }",
            "  jobs = [",
            "    { name = \"" + JOB + "\", type = push, sink = \"" + SINK + "\"",
            "      filesystems { " + s.filesystems() + " }",
            "      snapshotting { " + s.snapshotting() + " }",
            "      pruning {",
            "        keep-sender = [ " + s.keepSender() + " ]",
            "        keep-receiver = [ " + s.keepReceiver() + " ]",
            "      }",
            "      replication { stall-timeout = "
                + STALL.toSeconds()
                + "s, retry-backoff { min = "
                + BACKOFF.toSeconds()
                + "s, max = 1m }, initial-replication = "
                + s.initialReplication()
                + ", concurrency = "
                + s.concurrency()
                + " }",
            "    }",
            "    { name = \""
                + SINK
                + "\", type = sink, root-fs = \""
                + SINK_ROOT
                + "\", clients = [ \""
                + NODE
                + "\" ] }",
            "  ]",
            "}");
    LoadResult loaded = ConfigLoader.parse(text, "model.conf", NODE);
    assertThat(loaded.errors()).as("test configuration").isEmpty();
    return loaded.config().orElseThrow();
  }

  /** Starts the job; its first cycle lists and dispatches without a snapshot. */
  PushJobModel start(Settings settings) {
    ZfleetConfig config = config(settings);
    push = (PushJob) config.job(JOB).orElseThrow();
    SinkJob sink = (SinkJob) config.job(SINK).orElseThrow();
    Transfers transfers = Transfers.streams(Materializer.matFromSystem(testKit.system()));
    ReceiverDirectory local = new LocalReceiverDirectory(zfs, List.of(sink), transfers);
    ReceiverDirectory directory =
        (name, identity) -> {
          if (sinkAway) {
            throw new ReceiverDirectory.Unavailable("not reachable (its node is down)");
          }
          return local.receiver(name, identity);
        };
    JobDriver driver =
        JobDrivers.push(push, NODE, TestPorts.of(zfs, directory, blocking), settings.transfer());
    job =
        testKit.spawn(
            JobActor.create(driver, new NodeContext(watchdog, Optional.empty(), blocking, clock)));
    awaitCycleDone(1);
    return this;
  }

  /** Moves the clock and the actors' manual time together, one watchdog check at a time. */
  void pass(Duration d) {
    for (Duration left = d; !left.isZero() && !left.isNegative(); left = left.minus(CHECK)) {
      Duration step = left.compareTo(CHECK) < 0 ? left : CHECK;
      clock.advance(step);
      manualTime.timePasses(step);
    }
  }

  /**
   * A minute later, the operator's snapshot of the job's filesystems (its snapshotting is manual)
   * and {@code zfleet signal wakeup}: list, replicate, prune; returns the cycle.
   */
  long wakeup() {
    long before = status().cycle();
    clock.advance(Duration.ofMinutes(1));
    List<DatasetName> selected =
        zfs.list(push.filesystems().roots(), Set.of()).stream()
            .map(DatasetListing::name)
            .filter(push.filesystems()::selects)
            .toList();
    zfs.snapshot(selected, new SnapshotNaming("zf_").name(clock.instant()));
    job.tell(new JobActor.Wakeup());
    return before + 1;
  }

  /** Wakes the job up and waits until every filesystem has finished that cycle. */
  String snapshotAndReplicate() {
    awaitCycleDone(wakeup());
    return newest(A).name();
  }

  JobStatus status() {
    TestProbe<JobStatus> probe = testKit.createTestProbe();
    job.tell(new JobActor.GetStatus(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }

  FilesystemStatus status(DatasetName fs) {
    return status().filesystems().stream()
        .filter(f -> f.filesystem().equals(fs.value()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no supervisor for " + fs + " in " + status()));
  }

  Optional<FilesystemStatus.Outcome> outcome(DatasetName fs, StepKind kind) {
    return status(fs).lastOutcomes().stream().filter(o -> o.kind() == kind).findFirst();
  }

  /**
   * Waits until the job has dispatched {@code cycle} and every supervisor has run it to its end.
   */
  void awaitCycleDone(long cycle) {
    await(
        "cycle " + cycle + " done",
        () -> {
          JobStatus s = status();
          return s.cycle() >= cycle
              && s.phase().equals("idle")
              && !s.filesystems().isEmpty()
              && s.filesystems().stream()
                  .allMatch(f -> f.cycle() >= cycle && f.running().isEmpty());
        });
  }

  void await(String what, java.util.function.BooleanSupplier condition) {
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(20),
            Duration.ofMillis(10),
            () ->
                assertThat(condition.getAsBoolean()).as("%s; status: %s", what, status()).isTrue());
  }

  /** The steps the watchdog watches, after a round trip: it has made every check so far. */
  List<org.zfleet.job.StepId> watched() {
    TestProbe<List<Watchdog.WatchedStep>> probe = testKit.createTestProbe();
    watchdog.tell(new Watchdog.GetWatched(probe.getRef()));
    return probe.receiveMessage().stream().map(Watchdog.WatchedStep::id).toList();
  }

  /** Whether {@code fs}'s replication is still watched, i.e. the watchdog has not stopped it. */
  boolean replicationWatched(DatasetName fs) {
    return watched().stream()
        .anyMatch(id -> id.filesystem().equals(fs.value()) && id.kind() == StepKind.REPLICATE);
  }

  // ---- what the model holds

  static DatasetName onReceiver(DatasetName senderFs) {
    return SINK_ROOT.child(NODE).child(senderFs.value());
  }

  List<FilesystemVersion> snapshots(DatasetName fs) {
    return listing(fs).versions().stream().filter(FilesystemVersion::isSnapshot).toList();
  }

  List<String> snapshotNames(DatasetName fs) {
    return snapshots(fs).stream().map(FilesystemVersion::name).toList();
  }

  FilesystemVersion newest(DatasetName fs) {
    List<FilesystemVersion> s = snapshots(fs);
    assertThat(s).as("snapshots of %s", fs).isNotEmpty();
    return s.get(s.size() - 1);
  }

  FilesystemVersion version(DatasetName fs, String name) {
    return snapshots(fs).stream()
        .filter(v -> v.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(fs + "@" + name + " does not exist"));
  }

  DatasetListing listing(DatasetName fs) {
    return zfs.list(List.of(fs), Set.of(MARKS.cursorProperty(), MARKS.stepProperty())).stream()
        .filter(d -> d.name().equals(fs))
        .findFirst()
        .orElseThrow(() -> new AssertionError(fs + " does not exist"));
  }

  Optional<String> cursor(DatasetName fs) {
    return Optional.ofNullable(listing(fs).properties().get(MARKS.cursorProperty()));
  }

  int holds(DatasetName fs, String snapshot) {
    return zfs.holds(fs.snapshot(snapshot)).count();
  }

  String checksum(DatasetName fs, String snapshot) {
    return zfs.contentChecksum(fs.snapshot(snapshot));
  }

  void write(DatasetName fs, String file, int size, long seed) {
    byte[] data = new byte[size];
    new java.util.Random(seed).nextBytes(data);
    zfs.writeFile(fs, file, data);
  }

  /** Stalls the sends of {@code fs}'s snapshots half-way (ModelHooks). */
  void stallSendsOf(DatasetName fs) {
    Predicate<String> ofFs = subject -> subject.startsWith(fs.value() + "@");
    zfs.hooks().stallSends(ofFs);
  }

  @Override
  public void close() {
    zfs.hooks().releaseSends();
    zfs.hooks().slowSends(Integer.MAX_VALUE, Duration.ZERO);
    if (job != null) {
      testKit.stop(job);
    }
    testKit.stop(watchdog);
    blocking.shutdownNow();
  }
}
