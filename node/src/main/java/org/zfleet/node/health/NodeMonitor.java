package org.zfleet.node.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.zfleet.config.Replication;
import org.zfleet.job.FilesystemStatus;
import org.zfleet.job.JobEvent;
import org.zfleet.job.JobStatus;
import org.zfleet.job.StepKind;
import org.zfleet.node.daemon.NodeGuardian;
import org.zfleet.node.metrics.NodeMetrics;
import org.zfleet.node.metrics.ReplicationGauges;

/**
 * What the node knows about its own health, for metrics, the health endpoints, the status views and
 * {@code check freshness}: replica freshness ({@link FreshnessBoard}), running transfers (from the
 * guardian's status, polled by {@link MonitorActor}: the jobs' replications, and the receives and
 * sends other nodes asked of this one), certificates and readiness. Read from HTTP threads while
 * the monitor actor writes: every field is immutable or concurrent.
 */
public final class NodeMonitor {

  /** A running transfer with its progress; {@code expectedBytes} is -1 when unknown. */
  public record Transfer(
      String job,
      String filesystem,
      String destination,
      String phase,
      long bytes,
      long expectedBytes,
      boolean estimated,
      double bytesPerSecond,
      Optional<Long> etaSeconds,
      Instant since) {}

  /**
   * A transfer another node asked of this one: a sink's receive ({@code incoming}) or a source's
   * send ({@code outgoing}), with the peer's certified name and the current rate.
   */
  public record PeerTransfer(
      String direction,
      String peer,
      String job,
      String dataset,
      String phase,
      long bytes,
      double bytesPerSecond,
      Instant since) {}

  /** A replica judged now. */
  public record ReplicaView(
      String job,
      String filesystem,
      String destination,
      Optional<String> snapshot,
      Optional<Instant> snapshotCreated,
      Optional<Instant> lastSuccess,
      Optional<Long> ageSeconds,
      Optional<Long> lagSeconds,
      String freshness,
      long warnSeconds,
      long criticalSeconds,
      String lastOutcome,
      String lastReason) {}

  /** A certificate and how long it has left. */
  public record CertificateView(
      String name, String path, Instant notAfter, long daysLeft, String level) {}

  /** Everything at once: the control API's {@code /monitor} and the page's data. */
  public record Snapshot(
      String node,
      Instant at,
      boolean ready,
      List<String> notReady,
      List<ReplicaView> replicas,
      List<Transfer> transfers,
      List<PeerTransfer> peerTransfers,
      List<FreshnessBoard.Failure> failing,
      List<FreshnessBoard.Failure> recentFailures,
      List<CertificateView> certificates) {}

  /**
   * {@code /health/backups}: healthy unless a replica is critical, a step fails or a certificate
   * expired.
   */
  public record BackupHealth(
      boolean healthy,
      List<ReplicaView> critical,
      List<FreshnessBoard.Failure> failing,
      List<CertificateView> expired) {}

  private final String node;
  private final Map<String, Replication.Freshness> thresholds;
  private final Map<String, List<String>> destinations;
  private final FreshnessBoard board;
  private final NodeMetrics metrics;
  private final List<CertificateExpiry.Certificate> certificates;
  private final Clock clock;
  private final Map<String, Long> counted = new ConcurrentHashMap<>();
  private final Map<String, Long> expected = new ConcurrentHashMap<>();
  private volatile List<Transfer> transfers = List.of();
  private volatile List<PeerTransfer> peerTransfers = List.of();
  private volatile Optional<NodeGuardian.NodeStatus> status = Optional.empty();

  /** Recent (time, bytes) samples of each running transfer, for its current rate. */
  private final Map<String, java.util.ArrayDeque<long[]>> samples = new HashMap<>();

  private volatile boolean zfsAnswering = true;
  private volatile boolean jobsStarted;
  private volatile boolean stopping;
  private volatile BooleanSupplier clusterUp = () -> true;

  /**
   * @param thresholds each replicating job's freshness thresholds, by job name
   * @param destinations each replicating job's destinations (sinks, or a pull's source)
   */
  public NodeMonitor(
      String node,
      Map<String, Replication.Freshness> thresholds,
      Map<String, List<String>> destinations,
      FreshnessBoard board,
      NodeMetrics metrics,
      List<CertificateExpiry.Certificate> certificates,
      Clock clock) {
    this.node = node;
    this.thresholds = Map.copyOf(thresholds);
    this.destinations = Map.copyOf(destinations);
    this.board = board;
    this.metrics = metrics;
    this.certificates = List.copyOf(certificates);
    this.clock = clock;
    thresholds.keySet().forEach(metrics::registerJob);
    destinations.forEach(
        (job, dests) -> dests.forEach(d -> metrics.replication().replicatedBytes(job, d)));
    metrics
        .replication()
        .certificates(
            certificates.stream()
                .map(c -> new ReplicationGauges.Certificate(c.name(), c.notAfter()))
                .toList());
  }

  public String node() {
    return node;
  }

  public FreshnessBoard board() {
    return board;
  }

  public NodeMetrics metrics() {
    return metrics;
  }

  public Clock clock() {
    return clock;
  }

  /** The freshness thresholds of a replicating job, the defaults for any other. */
  public Replication.Freshness thresholds(String job) {
    return thresholds.getOrDefault(job, Replication.Freshness.DEFAULT);
  }

  public boolean knowsJob(String job) {
    return thresholds.containsKey(job);
  }

  // ---- fed by the monitor actor

  void onEvent(JobEvent event) {
    board.apply(event);
    metrics.onEvent(event);
    if (event instanceof JobEvent.StepEnded ended && ended.id().kind() == StepKind.REPLICATE) {
      String key = transferKey(ended.id().job(), ended.id().filesystem(), ended.id().destination());
      long seen = Optional.ofNullable(counted.remove(key)).orElse(0L);
      expected.keySet().removeIf(k -> k.startsWith(key + "\u0000"));
      if (ended.outcome() == JobEvent.Outcome.OK) {
        metrics
            .replication()
            .addBytes(ended.id().job(), ended.id().destination(), ended.result().bytes() - seen);
      }
    }
  }

  /** Takes a fresh status: transfers, their rates and bytes, and the replicas to expect. */
  void onStatus(NodeGuardian.NodeStatus polled) {
    Instant now = clock.instant();
    status = Optional.of(polled);
    jobsStarted = true;
    List<Transfer> running = new ArrayList<>();
    java.util.Set<String> live = new java.util.HashSet<>();
    for (JobStatus job : polled.jobs()) {
      for (FilesystemStatus fs : job.filesystems()) {
        for (String dest : destinations.getOrDefault(job.job(), List.of())) {
          board.expect(job.job(), fs.filesystem(), dest);
        }
        if (fs.running().isEmpty() || fs.running().get().kind() != StepKind.REPLICATE) {
          continue;
        }
        FilesystemStatus.Running r = fs.running().get();
        String key = transferKey(job.job(), fs.filesystem(), r.destination());
        live.add(key);
        long already = counted.getOrDefault(key, 0L);
        if (r.bytes() > already) {
          metrics.replication().addBytes(job.job(), r.destination(), r.bytes() - already);
          counted.put(key, r.bytes());
        }
        double rate = rate(key, r.bytes(), r.since(), now);
        long size = r.expectedBytes();
        boolean estimated = false;
        if (size <= 0) {
          Long guess = expected.get(key + "\u0000" + r.phase());
          if (guess != null && guess > 0) {
            size = guess;
            estimated = true;
          }
        }
        Optional<Long> eta =
            size > 0 && rate > 0
                ? Optional.of((long) Math.ceil(Math.max(0, size - r.bytes()) / rate))
                : Optional.empty();
        running.add(
            new Transfer(
                job.job(),
                fs.filesystem(),
                r.destination(),
                r.phase(),
                r.bytes(),
                size,
                estimated,
                rate,
                eta,
                r.since()));
      }
    }
    transfers = List.copyOf(running);
    List<PeerTransfer> peers = new ArrayList<>();
    for (var p : polled.peerTransfers()) {
      // Keyed apart from the jobs' own transfers: a peer's job is another node's.
      String key = "peer\u0000" + p.direction() + "\u0000" + p.peer() + "\u0000" + p.dataset();
      live.add(key);
      peers.add(
          new PeerTransfer(
              p.direction(),
              p.peer(),
              p.job(),
              p.dataset(),
              p.phase(),
              p.bytes(),
              rate(key, p.bytes(), p.since(), now),
              p.since()));
    }
    peerTransfers = List.copyOf(peers);
    samples.keySet().removeIf(k -> !live.contains(k));
    metrics
        .replication()
        .transfers(
            running.stream()
                .filter(t -> t.phase().startsWith("sending"))
                .map(
                    t ->
                        new ReplicationGauges.Transfer(
                            t.job(), t.destination(), t.bytesPerSecond()))
                .toList());
    refreshFreshness(now);
  }

  /**
   * Bytes per second over the last few seconds (the step reports its bytes about once a second, so
   * shorter windows jump between 0 and twice the rate); the average since it began until then.
   */
  private double rate(String key, long bytes, Instant since, Instant now) {
    java.util.ArrayDeque<long[]> window =
        samples.computeIfAbsent(key, k -> new java.util.ArrayDeque<>());
    if (!window.isEmpty() && window.peekLast()[2] != since.toEpochMilli()) {
      window.clear();
    }
    long millis = now.toEpochMilli();
    window.addLast(new long[] {millis, bytes, since.toEpochMilli()});
    while (window.size() > 2 && millis - window.peekFirst()[0] > WINDOW.toMillis()) {
      window.removeFirst();
    }
    long[] oldest = window.peekFirst();
    if (millis - oldest[0] >= WINDOW.toMillis() / 2) {
      return Math.max(0, (bytes - oldest[1]) * 1000.0 / (millis - oldest[0]));
    }
    double seconds = Math.max(0.001, Duration.between(since, now).toMillis() / 1000.0);
    return bytes / seconds;
  }

  private static final Duration WINDOW = Duration.ofSeconds(5);

  /** An estimate of a running transfer's size (see {@link SizeEstimates}). */
  void estimated(String job, String filesystem, String destination, String phase, long bytes) {
    expected.put(transferKey(job, filesystem, destination) + "\u0000" + phase, bytes);
  }

  boolean hasEstimate(String job, String filesystem, String destination, String phase) {
    return expected.containsKey(transferKey(job, filesystem, destination) + "\u0000" + phase);
  }

  /** Recomputes the freshness gauges. */
  void refreshFreshness(Instant now) {
    metrics
        .replication()
        .replicas(
            judged(now).stream()
                .map(
                    j ->
                        new ReplicationGauges.Replica(
                            j.replica().job(),
                            j.replica().filesystem(),
                            j.replica().destination(),
                            j.age().map(a -> (double) a.toSeconds()).orElse(Double.NaN),
                            j.lag().map(a -> (double) a.toSeconds()).orElse(Double.NaN),
                            j.level().label()))
                .toList());
  }

  void zfsAnswering(boolean answering) {
    zfsAnswering = answering;
    metrics.zfsAnswering(answering);
  }

  /** In a cluster: whether this node is an Up member. */
  public void clusterUp(BooleanSupplier up) {
    clusterUp = up;
  }

  /** Shutdown has begun: not ready any more. */
  public void stopping() {
    stopping = true;
  }

  // ---- read by HTTP routes and the control API

  /** Every known replica of the node's replicating jobs, judged by their jobs' thresholds. */
  public List<Freshness.Judged> judged(Instant now) {
    List<Freshness.Judged> out = new ArrayList<>();
    for (ReplicaRecord r : board.replicas()) {
      if (knowsJob(r.job())) {
        out.add(Freshness.judge(r, thresholds(r.job()), now));
      }
    }
    out.sort(
        Comparator.comparing((Freshness.Judged j) -> j.replica().job())
            .thenComparing(j -> j.replica().filesystem())
            .thenComparing(j -> j.replica().destination()));
    return out;
  }

  public Optional<NodeGuardian.NodeStatus> status() {
    return status;
  }

  public List<Transfer> transfers() {
    return transfers;
  }

  public List<PeerTransfer> peerTransfers() {
    return peerTransfers;
  }

  /** Why the node is not ready; empty when it is. */
  public List<String> notReady() {
    List<String> reasons = new ArrayList<>();
    if (stopping) {
      reasons.add("shutting down");
    }
    if (!zfsAnswering) {
      reasons.add("ZFS does not answer");
    }
    if (!jobsStarted) {
      reasons.add("jobs not started yet");
    }
    if (!clusterUp.getAsBoolean()) {
      reasons.add("not an Up member of the cluster");
    }
    return reasons;
  }

  public BackupHealth backups() {
    Instant now = clock.instant();
    List<ReplicaView> critical =
        views(now).stream().filter(v -> v.freshness().equals("critical")).toList();
    List<CertificateView> expired =
        certificateViews(now).stream().filter(c -> c.level().equals("critical")).toList();
    List<FreshnessBoard.Failure> failing = board.failing();
    return new BackupHealth(
        critical.isEmpty() && failing.isEmpty() && expired.isEmpty(), critical, failing, expired);
  }

  public Snapshot snapshot() {
    Instant now = clock.instant();
    List<String> notReady = notReady();
    return new Snapshot(
        node,
        now,
        notReady.isEmpty(),
        notReady,
        views(now),
        transfers,
        peerTransfers,
        board.failing(),
        board.recentFailures(),
        certificateViews(now));
  }

  List<ReplicaView> views(Instant now) {
    return judged(now).stream()
        .map(
            j ->
                new ReplicaView(
                    j.replica().job(),
                    j.replica().filesystem(),
                    j.replica().destination(),
                    j.replica().snapshot(),
                    j.replica().snapshotCreated(),
                    j.replica().lastSuccess(),
                    j.age().map(Duration::toSeconds),
                    j.lag().map(Duration::toSeconds),
                    j.level().label(),
                    j.thresholds().warn().toSeconds(),
                    j.thresholds().critical().toSeconds(),
                    j.replica().lastOutcome(),
                    j.replica().lastReason()))
        .toList();
  }

  public List<CertificateView> certificateViews(Instant now) {
    return certificates.stream()
        .map(
            c ->
                new CertificateView(
                    c.name(), c.path(), c.notAfter(), c.daysLeft(now), c.level(now).label()))
        .toList();
  }

  static String transferKey(String job, String filesystem, String destination) {
    return job + "\u0000" + filesystem + "\u0000" + destination;
  }
}
