package org.zfleet.node.tls;

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
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The one place TLS contexts are made, for the cluster transport and the data plane alike: TLS 1.3,
 * this node's certificate presented, only the cluster CA trusted (refusals logged with who and
 * why), and a peer's identity read from its certificate's single CN.
 */
public final class TlsContexts {

  public static final String PROTOCOL = "TLSv1.3";

  private TlsContexts() {}

  /**
   * A node's context: fails with a message naming the file if a file is unreadable, the certificate
   * is not from the CA, is not valid now, names another node than {@code nodeName}, or does not
   * match the key.
   */
  public static SSLContext forNode(Path caPath, Path certPath, Path keyPath, String nodeName) {
    X509Certificate ca = read(caPath, "CA certificate", Pem::readCertificate);
    X509Certificate cert = read(certPath, "node certificate", Pem::readCertificate);
    PrivateKey key = read(keyPath, "node key", Pem::readPrivateKey);
    signedBy(
        ca, cert, caPath, certPath, " (issuer " + cert.getIssuerX500Principal().getName() + ")");
    try {
      cert.checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new TlsSetupException(
          "node certificate "
              + certPath
              + " is valid only from "
              + cert.getNotBefore()
              + " to "
              + cert.getNotAfter());
    }
    String name = commonName(cert).orElse(null);
    if (!nodeName.equals(name)) {
      throw new TlsSetupException(
          "node certificate "
              + certPath
              + " names node \""
              + name
              + "\" but this node is \""
              + nodeName
              + "\"; the certificate's CN must be the node name");
    }
    if (!keyMatches(key, cert)) {
      throw new TlsSetupException(
          "node key " + keyPath + " does not belong to the certificate " + certPath);
    }
    return context(ca, cert, key, certPath);
  }

  /**
   * A context that presents {@code certPath}/{@code keyPath} and trusts only the CA in {@code
   * caPath}, for tools and tests: it checks that the certificate is from that CA and the key
   * matches it, not whose it is.
   */
  public static SSLContext load(Path caPath, Path certPath, Path keyPath) {
    X509Certificate ca = Pem.readCertificate(caPath);
    X509Certificate cert = Pem.readCertificate(certPath);
    PrivateKey key = Pem.readPrivateKey(keyPath);
    signedBy(ca, cert, caPath, certPath, "");
    if (!keyMatches(key, cert)) {
      throw new TlsSetupException(keyPath + " is not the key of " + certPath);
    }
    return context(ca, cert, key, certPath);
  }

  private static SSLContext context(
      X509Certificate ca, X509Certificate cert, PrivateKey key, Path certPath) {
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
        throw new TlsSetupException("the JDK offers no X.509 trust manager");
      }
      SSLContext context = SSLContext.getInstance(PROTOCOL);
      context.init(
          keyManagers.getKeyManagers(),
          new TrustManager[] {new RefusalLoggingTrustManager(pkix, ca)},
          new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsSetupException("cannot set up TLS with " + certPath + ": " + e.getMessage(), e);
    }
  }

  /** The identity the peer's certificate states; fails if it presented none or an invalid one. */
  public static NodeIdentity peerIdentity(SSLSession session) throws SSLPeerUnverifiedException {
    Certificate[] chain = session.getPeerCertificates();
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      throw new SSLPeerUnverifiedException("the peer presented no X.509 certificate");
    }
    try {
      return identityOf(leaf);
    } catch (IllegalArgumentException e) {
      throw new SSLPeerUnverifiedException(
          "the peer's certificate names no valid node: " + e.getMessage());
    }
  }

  /** The node named by the certificate's single CN. */
  public static NodeIdentity identityOf(X509Certificate certificate) {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    RDN[] names = subject.getRDNs(BCStyle.CN);
    if (names.length != 1 || names[0].isMultiValued()) {
      throw new IllegalArgumentException("subject " + subject + " does not have exactly one CN");
    }
    if (!(names[0].getFirst().getValue() instanceof ASN1String cn)) {
      throw new IllegalArgumentException("subject " + subject + " has a CN that is not a string");
    }
    return NodeIdentity.of(cn.getString());
  }

  /** The certificate's single CN, if it has one, valid as a node name or not. */
  public static Optional<String> commonName(X509Certificate certificate) {
    try {
      X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
      RDN[] names = subject.getRDNs(BCStyle.CN);
      if (names.length == 1
          && !names[0].isMultiValued()
          && names[0].getFirst().getValue() instanceof ASN1String cn) {
        return Optional.of(cn.getString());
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void signedBy(
      X509Certificate ca, X509Certificate cert, Path caPath, Path certPath, String detail) {
    try {
      cert.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException(
          "node certificate " + certPath + detail + " is not signed by the CA in " + caPath);
    }
  }

  /** Reads one PEM file; a problem is reported with what the file is meant to hold. */
  private static <T> T read(Path path, String what, Function<Path, T> reader) {
    try {
      return reader.apply(path);
    } catch (TlsSetupException e) {
      String message = e.getMessage();
      throw new TlsSetupException(
          message.startsWith(path.toString())
              ? what + " " + message
              : what + " " + path + ": " + message,
          e);
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
