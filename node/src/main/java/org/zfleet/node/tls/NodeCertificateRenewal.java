package org.zfleet.node.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * Renews a node's certificate: the same identity and (unless new ones are given) the same host
 * names, a new key and a new validity, signed by the unchanged CA. The new pair is issued by {@link
 * NodeCertificates#createNode} in a private directory that sees the CA through links, then moved
 * into place; the previous files are kept as {@code NAME.crt.old} and {@code NAME.key.old}.
 */
public final class NodeCertificateRenewal {

  /** What a renewal wrote, and where the files it replaced were kept. */
  public record Renewed(
      NodeCertificates.Written written,
      Path previousCertificate,
      Path previousKey,
      Instant notAfter) {}

  private final NodeCertificates certificates;

  public NodeCertificateRenewal(NodeCertificates certificates) {
    this.certificates = certificates;
  }

  /**
   * Renews {@code dir/NAME.crt} and {@code dir/NAME.key} (replacing older {@code .old} files). Each
   * new file is moved into place atomically, the key first: restart the node once this returned.
   */
  public Renewed renew(Path dir, NodeIdentity node, List<String> hosts) {
    Path certPath = dir.resolve(node.name() + ".crt");
    Path keyPath = dir.resolve(node.name() + ".key");
    X509Certificate current = Pem.readCertificate(certPath);
    Pem.readPrivateKey(keyPath);
    X509Certificate ca = Pem.readCertificate(dir.resolve(NodeCertificates.CA_CERT));
    try {
      current.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException(
          certPath + " does not belong to the CA in " + dir.resolve(NodeCertificates.CA_CERT), e);
    }
    NodeIdentity identity = TlsContexts.identityOf(current);
    if (!identity.equals(node)) {
      throw new TlsSetupException(
          certPath + " is the certificate of " + identity + ", not " + node);
    }
    List<String> keep = hosts.isEmpty() ? hostsOf(current) : hosts;
    Path staging = staging(dir, node);
    try {
      for (String caFile : List.of(NodeCertificates.CA_CERT, NodeCertificates.CA_KEY)) {
        Files.createSymbolicLink(staging.resolve(caFile), dir.resolve(caFile).toAbsolutePath());
      }
      NodeCertificates.Written fresh = certificates.createNode(staging, node, keep);
      Path oldCert = dir.resolve(node.name() + ".crt.old");
      Path oldKey = dir.resolve(node.name() + ".key.old");
      Files.copy(
          certPath,
          oldCert,
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.COPY_ATTRIBUTES);
      Files.copy(
          keyPath, oldKey, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
      Files.move(
          fresh.key(),
          keyPath,
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      Files.move(
          fresh.certificate(),
          certPath,
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      Instant notAfter = Pem.readCertificate(certPath).getNotAfter().toInstant();
      return new Renewed(
          new NodeCertificates.Written(certPath, keyPath), oldCert, oldKey, notAfter);
    } catch (IOException e) {
      throw new TlsSetupException(
          "cannot renew the certificate of " + node + ": " + e.getMessage(), e);
    } finally {
      deleteStaging(staging);
    }
  }

  /** The DNS names and IP addresses a certificate names, as {@code --host} takes them. */
  static List<String> hostsOf(X509Certificate certificate) {
    try {
      List<String> hosts = new ArrayList<>();
      var names = certificate.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          int type = (Integer) name.get(0);
          if (type == GeneralName.dNSName || type == GeneralName.iPAddress) {
            hosts.add(String.valueOf(name.get(1)));
          }
        }
      }
      return hosts;
    } catch (CertificateParsingException e) {
      throw new TlsSetupException(
          "cannot read the host names of a certificate: " + e.getMessage(), e);
    }
  }

  private static Path staging(Path dir, NodeIdentity node) {
    try {
      return Files.createTempDirectory(
          dir,
          ".renew-" + node.name() + "-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new TlsSetupException("cannot create a directory in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void deleteStaging(Path staging) {
    try (var entries = Files.list(staging)) {
      for (Path p : entries.toList()) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(staging);
    } catch (IOException e) {
      // Left behind: a hidden directory holding links at most, no secret of its own.
    }
  }
}
