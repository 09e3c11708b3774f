package org.zfleet.node.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM files of certificates and unencrypted private keys (PKCS#8, or SEC1/PKCS#1 as OpenSSL writes
 * them), through BouncyCastle. Pekko's own PEM loader reads RSA keys only, and zfleet's keys are
 * EC.
 */
public final class Pem {

  private Pem() {}

  /**
   * The certificate in {@code path}; a {@link TlsSetupException} names the file and the problem.
   */
  public static X509Certificate readCertificate(Path path) {
    Object object = readObject(path);
    if (!(object instanceof X509CertificateHolder holder)) {
      throw new TlsSetupException(path + " does not hold a PEM certificate");
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new TlsSetupException(path + " holds an unreadable certificate: " + e.getMessage(), e);
    }
  }

  /**
   * The private key in {@code path}; a {@link TlsSetupException} names the file and the problem.
   */
  public static PrivateKey readPrivateKey(Path path) {
    Object object = readObject(path);
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
    } catch (IOException e) {
      throw new TlsSetupException(path + " holds an unreadable private key: " + e.getMessage(), e);
    }
    throw new TlsSetupException(path + " does not hold an unencrypted PEM private key");
  }

  /** Writes a certificate to a new file, readable by all. */
  static void writeCertificate(Path path, X509Certificate certificate) {
    writeNew(path, encode(certificate), "rw-r--r--");
  }

  /** Writes a private key as PKCS#8 PEM to a new file, readable by its owner only. */
  static void writePrivateKey(Path path, PrivateKey key) {
    try {
      writeNew(path, encode(new JcaPKCS8Generator(key, null)), "rw-------");
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new TlsSetupException("cannot encode the private key for " + path, e);
    }
  }

  private static String encode(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new TlsSetupException("cannot encode PEM: " + e.getMessage(), e);
    }
    return text.toString();
  }

  /** Creates the file with its permissions set from the start, never replacing an existing one. */
  private static void writeNew(Path path, String content, String permissions) {
    try {
      Files.createFile(
          path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
      // The umask may have removed bits at creation; set exactly what is meant.
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
      try (Writer writer =
          Files.newBufferedWriter(path, StandardCharsets.US_ASCII, StandardOpenOption.WRITE)) {
        writer.write(content);
      }
    } catch (FileAlreadyExistsException e) {
      throw new TlsSetupException(path + " already exists; refusing to overwrite it");
    } catch (IOException e) {
      throw new TlsSetupException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  private static Object readObject(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new TlsSetupException(path + " does not exist or is not a file");
    }
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      Object object = parser.readObject();
      if (object == null) {
        throw new TlsSetupException(path + " holds no PEM object");
      }
      return object;
    } catch (IOException e) {
      throw new TlsSetupException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }
}
