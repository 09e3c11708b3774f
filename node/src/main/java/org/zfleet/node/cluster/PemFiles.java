package org.zfleet.node.cluster;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads PEM certificates and unencrypted private keys (PKCS#8, or SEC1/PKCS#1 as OpenSSL writes
 * them). Pekko's own PEM loader reads RSA keys only, and zfleet's keys are EC.
 */
final class PemFiles {

  private PemFiles() {}

  static X509Certificate certificate(Path path, String what) {
    Object object = read(path, what);
    if (!(object instanceof X509CertificateHolder holder)) {
      throw new ClusterTlsException(what + " " + path + " does not hold a PEM certificate");
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new ClusterTlsException(
          what + " " + path + " holds an unreadable certificate: " + e.getMessage(), e);
    }
  }

  static PrivateKey privateKey(Path path, String what) {
    Object object = read(path, what);
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
    } catch (IOException e) {
      throw new ClusterTlsException(
          what + " " + path + " holds an unreadable private key: " + e.getMessage(), e);
    }
    throw new ClusterTlsException(
        what + " " + path + " does not hold an unencrypted PEM private key");
  }

  private static Object read(Path path, String what) {
    if (!Files.isRegularFile(path)) {
      throw new ClusterTlsException(what + " " + path + " does not exist or is not a file");
    }
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      Object object = parser.readObject();
      if (object == null) {
        throw new ClusterTlsException(what + " " + path + " holds no PEM object");
      }
      return object;
    } catch (IOException e) {
      throw new ClusterTlsException("cannot read " + what + " " + path + ": " + e.getMessage(), e);
    }
  }
}
