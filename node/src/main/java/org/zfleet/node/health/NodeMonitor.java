package org.zfleet.node.health;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * {@code check freshness}: replica freshness ({@link FreshnessBoard}), running transfers ({@link
 * RunningTransfers}, from the guardian's status, polled by {@link MonitorActor}: the jobs'
 * replications, and the receives and sends other nodes asked of this one), certificates and
 * readiness. Read from HTTP threads while the monitor actor writes: every field is immutable or
 * concurrent.
 */
public final class NodeMonitor {

  private final String node;
  private final Map<String, Replication.Freshness> thresholds;
  private final Map<String, List<String>> destinations;
  private final FreshnessBoard board;
  private final NodeMetrics metrics;
  private final List<CertificateExpiry.Certificate> certificates;
  private final Clock clock;
  private final RunningTransfers running;
  private volatile Optional<NodeGuardian.NodeStatus> status = Optional.empty();

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
    this.running = new RunningTransfers(metrics.replication());
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
      running.replicationEnded(ended);
    }
  }

  /** Takes a fresh status: transfers, their rates and bytes, and the replicas to expect. */
  void onStatus(NodeGuardian.NodeStatus polled) {
    Instant now = clock.instant();
    status = Optional.of(polled);
    jobsStarted = true;
    for (JobStatus job : polled.jobs()) {
      for (FilesystemStatus fs : job.filesystems()) {
        for (String dest : destinations.getOrDefault(job.job(), List.of())) {
          board.expect(job.job(), fs.filesystem(), dest);
        }
      }
    }
    running.update(polled, now);
    refreshFreshness(now);
  }

  /** An estimate of a running transfer's size (see {@link SizeEstimates}). */
  void estimated(String job, String filesystem, String destination, String phase, long bytes) {
    running.estimated(job, filesystem, destination, phase, bytes);
  }

  boolean hasEstimate(String job, String filesystem, String destination, String phase) {
    return running.hasEstimate(job, filesystem, destination, phase);
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

  public List<MonitorViews.Transfer> transfers() {
    return running.transfers();
  }

  public List<MonitorViews.PeerTransfer> peerTransfers() {
    return running.peerTransfers();
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

  public MonitorViews.BackupHealth backups() {
    Instant now = clock.instant();
    return MonitorViews.BackupHealth.of(views(now), board.failing(), certificateViews(now));
  }

  public MonitorViews.Snapshot snapshot() {
    Instant now = clock.instant();
    List<String> notReady = notReady();
    return new MonitorViews.Snapshot(
        node,
        now,
        notReady.isEmpty(),
        notReady,
        views(now),
        running.transfers(),
        running.peerTransfers(),
        board.failing(),
        board.recentFailures(),
        certificateViews(now));
  }

  List<MonitorViews.ReplicaView> views(Instant now) {
    return judged(now).stream().map(MonitorViews.ReplicaView::of).toList();
  }

  public List<MonitorViews.CertificateView> certificateViews(Instant now) {
    return certificates.stream().map(c -> MonitorViews.CertificateView.of(c, now)).toList();
  }
}
