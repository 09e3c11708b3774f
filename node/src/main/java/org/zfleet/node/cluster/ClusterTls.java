package org.zfleet.node.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.Function;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.zfleet.node.tls.Pem;
import org.zfleet.node.tls.TlsSetupException;

/**
 * TLS for the cluster transport: this node presents its certificate and trusts only certificates
 * issued by the cluster CA, in both directions (mutual authentication).
 */
public final class ClusterTls {

  /** Artery connections speak TLS 1.3 only; every zfleet node runs Java 17 or later. */
  public static final String PROTOCOL = "TLSv1.3";

  private ClusterTls() {}

  /**
   * An {@link SSLContext} presenting the node certificate in {@code files} and trusting only the CA
   * in it. Fails with a message naming the file if a file is unreadable, the certificate is not
   * from that CA, is not valid now, names another node than {@code nodeName}, or does not match the
   * key.
   */
  public static SSLContext context(TlsFiles files, String nodeName) {
    X509Certificate ca = read(files.ca(), "CA certificate", Pem::readCertificate);
    X509Certificate cert = read(files.cert(), "node certificate", Pem::readCertificate);
    PrivateKey key = read(files.key(), "node key", Pem::readPrivateKey);
    check(files, nodeName, ca, cert, key);
    try {
      char[] password = new char[0];
      KeyStore identity = KeyStore.getInstance("PKCS12");
      identity.load(null, null);
      identity.setKeyEntry("node", key, password, new Certificate[] {cert, ca});
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
      keyManagers.init(identity, password);

      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
      trustManagers.init(trust);
      X509ExtendedTrustManager pkix = null;
      for (TrustManager manager : trustManagers.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          pkix = extended;
        }
      }
      if (pkix == null) {
        throw new ClusterTlsException("the JDK offers no X.509 trust manager");
      }
      SSLContext context = SSLContext.getInstance(PROTOCOL);
      context.init(
          keyManagers.getKeyManagers(),
          new TrustManager[] {new RefusalLoggingTrustManager(pkix, ca)},
          new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new ClusterTlsException(
          "cannot set up TLS with " + files.cert() + ": " + e.getMessage(), e);
    }
  }

  /** Reads one PEM file; a problem is reported with what the file is meant to hold. */
  private static <T> T read(Path path, String what, Function<Path, T> reader) {
    try {
      return reader.apply(path);
    } catch (TlsSetupException e) {
      String message = e.getMessage();
      throw new ClusterTlsException(
          message.startsWith(path.toString())
              ? what + " " + message
              : what + " " + path + ": " + message,
          e);
    }
  }

  /** The subject CN of {@code certificate}, which for zfleet node certificates is the node name. */
  public static Optional<String> commonName(X509Certificate certificate) {
    try {
      LdapName subject = new LdapName(certificate.getSubjectX500Principal().getName());
      for (Rdn rdn : subject.getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return Optional.of(rdn.getValue().toString());
        }
      }
      return Optional.empty();
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }

  private static void check(
      TlsFiles files, String nodeName, X509Certificate ca, X509Certificate cert, PrivateKey key) {
    try {
      cert.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new ClusterTlsException(
          "node certificate "
              + files.cert()
              + " (issuer "
              + cert.getIssuerX500Principal().getName()
              + ") is not signed by the CA in "
              + files.ca());
    }
    try {
      cert.checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new ClusterTlsException(
          "node certificate "
              + files.cert()
              + " is valid only from "
              + cert.getNotBefore()
              + " to "
              + cert.getNotAfter());
    }
    String name = commonName(cert).orElse(null);
    if (!nodeName.equals(name)) {
      throw new ClusterTlsException(
          "node certificate "
              + files.cert()
              + " names node \""
              + name
              + "\" but this node is \""
              + nodeName
              + "\"; the certificate's CN must be the node name");
    }
    if (!keyMatches(key, cert)) {
      throw new ClusterTlsException(
          "node key " + files.key() + " does not belong to the certificate " + files.cert());
    }
  }

  /** Signs a probe with the key and verifies it with the certificate. */
  private static boolean keyMatches(PrivateKey key, X509Certificate cert) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return true; // an exotic key type: the TLS handshake will tell
    }
    try {
      byte[] probe = "zfleet key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
