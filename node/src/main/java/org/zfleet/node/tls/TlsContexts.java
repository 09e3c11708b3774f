package org.zfleet.node.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * TLS 1.3 contexts for node-to-node connections: present this node's certificate, trust only the
 * cluster CA, and tell who the peer is from its certificate's CN.
 */
public final class TlsContexts {

  public static final String PROTOCOL = "TLSv1.3";

  private TlsContexts() {}

  /**
   * An {@link SSLContext} that presents {@code certPath}/{@code keyPath} and trusts only the CA in
   * {@code caPath}. Fails with a message naming the file if the certificate is not from that CA or
   * the key does not match it.
   */
  public static SSLContext load(Path caPath, Path certPath, Path keyPath) {
    X509Certificate ca = Pem.readCertificate(caPath);
    X509Certificate cert = Pem.readCertificate(certPath);
    PrivateKey key = Pem.readPrivateKey(keyPath);
    try {
      cert.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException(certPath + " is not signed by the CA in " + caPath);
    }
    checkKeyMatches(key, cert, keyPath, certPath);
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

      SSLContext context = SSLContext.getInstance(PROTOCOL);
      context.init(
          keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), new SecureRandom());
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
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

  private static void checkKeyMatches(
      PrivateKey key, X509Certificate cert, Path keyPath, Path certPath) {
    try {
      String algorithm =
          key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
      byte[] probe = "zfleet key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw new TlsSetupException(keyPath + " is not the key of " + certPath);
      }
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException(
          keyPath + " is not the key of " + certPath + ": " + e.getMessage(), e);
    }
  }
}
