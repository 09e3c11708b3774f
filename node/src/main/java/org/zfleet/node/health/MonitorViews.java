package org.zfleet.node.health;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the {@link NodeMonitor} shows: the control API's {@code /monitor}, the status page's data
 * and {@code /health/backups}, as values built from judged replicas and certificates.
 */
public final class MonitorViews {

  private MonitorViews() {}

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
      String lastReason) {

    static ReplicaView of(Freshness.Judged j) {
      return new ReplicaView(
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
          j.replica().lastReason());
    }
  }

  /** A certificate and how long it has left. */
  public record CertificateView(
      String name, String path, Instant notAfter, long daysLeft, String level) {

    static CertificateView of(CertificateExpiry.Certificate c, Instant now) {
      return new CertificateView(
          c.name(), c.path(), c.notAfter(), c.daysLeft(now), c.level(now).label());
    }
  }

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
      List<CertificateView> expired) {

    static BackupHealth of(
        List<ReplicaView> replicas,
        List<FreshnessBoard.Failure> failing,
        List<CertificateView> certificates) {
      List<ReplicaView> critical =
          replicas.stream().filter(v -> v.freshness().equals("critical")).toList();
      List<CertificateView> expired =
          certificates.stream().filter(c -> c.level().equals("critical")).toList();
      return new BackupHealth(
          critical.isEmpty() && failing.isEmpty() && expired.isEmpty(), critical, failing, expired);
    }
  }
}
