package org.zfleet.node.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * Makes the cluster's certificates: one CA per cluster, one certificate per node whose CN is the
 * node's name. EC P-256 keys, SHA-256 signatures; the CA is valid 10 years, node certificates 2,
 * both from an hour ago to tolerate clock skew between nodes.
 */
public final class NodeCertificates {

  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final List<String> DEFAULT_HOSTS = List.of("localhost", "127.0.0.1");

  static final Duration CA_VALIDITY = Duration.ofDays(3653);
  static final Duration NODE_VALIDITY = Duration.ofDays(731);
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Pattern DNS_NAME =
      Pattern.compile(
          "(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  /** The files one command wrote. */
  public record Written(Path certificate, Path key) {}

  private final Clock clock;
  private final SecureRandom random;

  public NodeCertificates(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  /** Creates {@code dir/ca.crt} and {@code dir/ca.key}; never replaces an existing CA. */
  public Written createCa(Path dir) {
    Path certPath = dir.resolve(CA_CERT);
    Path keyPath = dir.resolve(CA_KEY);
    for (Path existing : List.of(keyPath, certPath)) {
      if (Files.exists(existing)) {
        throw new TlsSetupException(
            existing
                + " already exists; refusing to overwrite an existing CA (its node certificates would stop working)");
      }
    }
    ensureDirectory(dir);
    KeyPair keys = newKeyPair();
    X500Name name =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "zfleet")
            .addRDN(BCStyle.CN, "zfleet CA " + HexFormat.of().formatHex(randomBytes(4)))
            .build();
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              serial(),
              Date.from(now.minus(BACKDATE)),
              Date.from(now.plus(CA_VALIDITY)),
              name,
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate certificate = sign(builder, keys.getPrivate());
      Pem.writePrivateKey(keyPath, keys.getPrivate());
      Pem.writeCertificate(certPath, certificate);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new TlsSetupException("cannot create the CA certificate: " + e.getMessage(), e);
    }
    return new Written(certPath, keyPath);
  }

  /**
   * Creates {@code dir/NAME.crt} and {@code dir/NAME.key}, signed by the CA in {@code dir}, valid
   * for TLS server and client use, with {@code hosts} (DNS names or IP addresses) as subject
   * alternative names. Never replaces existing files.
   */
  public Written createNode(Path dir, NodeIdentity node, List<String> hosts) {
    if (node.name().equals("ca")) {
      throw new TlsSetupException("the node name \"ca\" is reserved for the CA's own files");
    }
    Path certPath = dir.resolve(node.name() + ".crt");
    Path keyPath = dir.resolve(node.name() + ".key");
    for (Path existing : List.of(keyPath, certPath)) {
      if (Files.exists(existing)) {
        throw new TlsSetupException(
            existing + " already exists; remove it first to issue a new certificate");
      }
    }
    List<GeneralName> alternativeNames = alternativeNames(hosts.isEmpty() ? DEFAULT_HOSTS : hosts);
    X509Certificate caCert = Pem.readCertificate(dir.resolve(CA_CERT));
    PrivateKey caKey = Pem.readPrivateKey(dir.resolve(CA_KEY));
    KeyPair keys = newKeyPair();
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "zfleet")
            .addRDN(BCStyle.CN, node.name())
            .build();
    Instant now = clock.instant();
    Instant notAfter = now.plus(NODE_VALIDITY);
    if (notAfter.isAfter(caCert.getNotAfter().toInstant())) {
      notAfter = caCert.getNotAfter().toInstant();
    }
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              caCert,
              serial(),
              Date.from(now.minus(BACKDATE)),
              Date.from(notAfter),
              subject,
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(alternativeNames.toArray(GeneralName[]::new)));
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(caCert));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate certificate = sign(builder, caKey);
      verifySignedBy(certificate, caCert.getPublicKey(), dir);
      Pem.writePrivateKey(keyPath, keys.getPrivate());
      Pem.writeCertificate(certPath, certificate);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new TlsSetupException(
          "cannot create the certificate of " + node + ": " + e.getMessage(), e);
    }
    return new Written(certPath, keyPath);
  }

  static List<GeneralName> alternativeNames(List<String> hosts) {
    List<GeneralName> names = new ArrayList<>();
    for (String host : hosts) {
      if (IPAddress.isValid(host)) {
        names.add(new GeneralName(GeneralName.iPAddress, host));
      } else if (host.length() <= 253 && DNS_NAME.matcher(host).matches()) {
        names.add(new GeneralName(GeneralName.dNSName, host));
      } else {
        throw new TlsSetupException(
            "--host \"" + host + "\" is neither a DNS name nor an IP address");
      }
    }
    return names;
  }

  private static void verifySignedBy(X509Certificate certificate, PublicKey caKey, Path dir) {
    try {
      certificate.verify(caKey);
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException(
          dir.resolve(CA_KEY) + " does not belong to " + dir.resolve(CA_CERT), e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }

  private KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException(
          "this Java runtime cannot make EC P-256 keys: " + e.getMessage(), e);
    }
  }

  /** A positive random serial of 127 bits, as RFC 5280 asks for unpredictable serials. */
  private BigInteger serial() {
    return new BigInteger(127, random).setBit(126);
  }

  private byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  private static void ensureDirectory(Path dir) {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new TlsSetupException("cannot create directory " + dir + ": " + e.getMessage(), e);
    }
  }
}
