package org.zfleet.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.node.tls.Pem;
import org.zfleet.node.tls.TlsContexts;
import org.zfleet.node.tls.TlsSetupException;

@Timeout(60)
class NodeTlsContextTest {

  @TempDir static Path dir;
  static TestCertificates ca;
  static TestCertificates otherCa;
  static TlsFiles backup1;

  @BeforeAll
  static void certificates() {
    ca = TestCertificates.createCa(dir.resolve("ca"), "zfleet test CA");
    otherCa = TestCertificates.createCa(dir.resolve("other"), "other CA");
    backup1 = ca.node("backup1");
  }

  @Test
  void nodeCertificateFromTheClusterCaLoads() {
    SSLContext context =
        TlsContexts.forNode(backup1.ca(), backup1.cert(), backup1.key(), "backup1");

    assertThat(context.getProtocol()).isEqualTo("TLSv1.3");
  }

  @Test
  void traditionalEcKeyLoadsToo() {
    TlsFiles files = new TlsFiles(backup1.ca(), backup1.cert(), ca.traditionalKey(backup1));

    assertThat(TlsContexts.forNode(files.ca(), files.cert(), files.key(), "backup1")).isNotNull();
  }

  @Test
  void certificateFromAnotherCaIsRefusedNamingBothFiles() {
    TlsFiles foreign = otherCa.node("backup1");
    TlsFiles mixed = new TlsFiles(ca.caCert(), foreign.cert(), foreign.key());

    assertThatThrownBy(() -> TlsContexts.forNode(mixed.ca(), mixed.cert(), mixed.key(), "backup1"))
        .isInstanceOf(TlsSetupException.class)
        .hasMessageContaining(foreign.cert().toString())
        .hasMessageContaining("is not signed by the CA in " + ca.caCert());
  }

  @Test
  void certificateNamingAnotherNodeIsRefused() {
    assertThatThrownBy(
            () -> TlsContexts.forNode(backup1.ca(), backup1.cert(), backup1.key(), "backup2"))
        .isInstanceOf(TlsSetupException.class)
        .hasMessageContaining("names node \"backup1\" but this node is \"backup2\"");
  }

  @Test
  void keyOfAnotherCertificateIsRefused() {
    TlsFiles backup2 = ca.node("backup2");
    TlsFiles swapped = new TlsFiles(backup1.ca(), backup1.cert(), backup2.key());

    assertThatThrownBy(
            () -> TlsContexts.forNode(swapped.ca(), swapped.cert(), swapped.key(), "backup1"))
        .isInstanceOf(TlsSetupException.class)
        .hasMessageContaining(
            "node key " + backup2.key() + " does not belong to the certificate " + backup1.cert());
  }

  @Test
  void missingFileIsNamed() {
    TlsFiles missing = new TlsFiles(dir.resolve("nope.crt"), backup1.cert(), backup1.key());

    assertThatThrownBy(
            () -> TlsContexts.forNode(missing.ca(), missing.cert(), missing.key(), "backup1"))
        .isInstanceOf(TlsSetupException.class)
        .hasMessage(
            "CA certificate " + dir.resolve("nope.crt") + " does not exist or is not a file");
  }

  @Test
  void keyFileInPlaceOfCertificateIsRefused() {
    TlsFiles wrong = new TlsFiles(backup1.ca(), backup1.key(), backup1.key());

    assertThatThrownBy(() -> TlsContexts.forNode(wrong.ca(), wrong.cert(), wrong.key(), "backup1"))
        .isInstanceOf(TlsSetupException.class)
        .hasMessage("node certificate " + backup1.key() + " does not hold a PEM certificate");
  }

  @Test
  void commonNameIsTheNodeName() {
    TlsFiles dotted = ca.node("dotted", "backup.site-2:a_b");

    assertThat(TlsContexts.commonName(Pem.readCertificate(dotted.cert())))
        .contains("backup.site-2:a_b");
  }
}
