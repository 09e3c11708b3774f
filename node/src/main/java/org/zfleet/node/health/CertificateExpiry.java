package org.zfleet.node.health;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.zfleet.config.NodeConfig;

/**
 * When the node's certificate and its CA expire. Within 30 days of the end a certificate is
 * WARNING, past it CRITICAL; status, metrics, {@code /health/backups} and the log say so.
 */
public final class CertificateExpiry {

  /** Warned about from this long before it ends. */
  public static final Duration WARN_AHEAD = Duration.ofDays(30);

  /** One certificate file's validity end. */
  public record Certificate(String name, String path, String subject, Instant notAfter) {

    public FreshnessLevel level(Instant now) {
      if (!notAfter.isAfter(now)) {
        return FreshnessLevel.CRITICAL;
      }
      return Duration.between(now, notAfter).compareTo(WARN_AHEAD) <= 0
          ? FreshnessLevel.WARNING
          : FreshnessLevel.OK;
    }

    public long daysLeft(Instant now) {
      return Math.floorDiv(Duration.between(now, notAfter).toHours(), 24);
    }
  }

  private CertificateExpiry() {}

  /**
   * The node's configured certificate ("node") and CA ("ca"); a file that cannot be read is left
   * out.
   */
  public static List<Certificate> read(NodeConfig.Tls tls) {
    List<Certificate> out = new ArrayList<>();
    tls.cert().flatMap(p -> read("node", p)).ifPresent(out::add);
    tls.ca().flatMap(p -> read("ca", p)).ifPresent(out::add);
    return out;
  }

  static Optional<Certificate> read(String name, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      X509Certificate cert =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return Optional.of(
          new Certificate(
              name,
              file.toString(),
              cert.getSubjectX500Principal().getName(),
              cert.getNotAfter().toInstant()));
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
