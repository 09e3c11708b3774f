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

@Timeout(60)
class ClusterTlsTest {

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
    SSLContext context = ClusterTls.context(backup1, "backup1");

    assertThat(context.getProtocol()).isEqualTo("TLSv1.3");
  }

  @Test
  void traditionalEcKeyLoadsToo() {
    TlsFiles files = new TlsFiles(backup1.ca(), backup1.cert(), ca.traditionalKey(backup1));

    assertThat(ClusterTls.context(files, "backup1")).isNotNull();
  }

  @Test
  void certificateFromAnotherCaIsRefusedNamingBothFiles() {
    TlsFiles foreign = otherCa.node("backup1");
    TlsFiles mixed = new TlsFiles(ca.caCert(), foreign.cert(), foreign.key());

    assertThatThrownBy(() -> ClusterTls.context(mixed, "backup1"))
        .isInstanceOf(ClusterTlsException.class)
        .hasMessageContaining(foreign.cert().toString())
        .hasMessageContaining("is not signed by the CA in " + ca.caCert());
  }

  @Test
  void certificateNamingAnotherNodeIsRefused() {
    assertThatThrownBy(() -> ClusterTls.context(backup1, "backup2"))
        .isInstanceOf(ClusterTlsException.class)
        .hasMessageContaining("names node \"backup1\" but this node is \"backup2\"");
  }

  @Test
  void keyOfAnotherCertificateIsRefused() {
    TlsFiles backup2 = ca.node("backup2");
    TlsFiles swapped = new TlsFiles(backup1.ca(), backup1.cert(), backup2.key());

    assertThatThrownBy(() -> ClusterTls.context(swapped, "backup1"))
        .isInstanceOf(ClusterTlsException.class)
        .hasMessageContaining(
            "node key " + backup2.key() + " does not belong to the certificate " + backup1.cert());
  }

  @Test
  void missingFileIsNamed() {
    TlsFiles missing = new TlsFiles(dir.resolve("nope.crt"), backup1.cert(), backup1.key());

    assertThatThrownBy(() -> ClusterTls.context(missing, "backup1"))
        .isInstanceOf(ClusterTlsException.class)
        .hasMessage(
            "CA certificate " + dir.resolve("nope.crt") + " does not exist or is not a file");
  }

  @Test
  void keyFileInPlaceOfCertificateIsRefused() {
    TlsFiles wrong = new TlsFiles(backup1.ca(), backup1.key(), backup1.key());

    assertThatThrownBy(() -> ClusterTls.context(wrong, "backup1"))
        .isInstanceOf(ClusterTlsException.class)
        .hasMessage("node certificate " + backup1.key() + " does not hold a PEM certificate");
  }

  @Test
  void commonNameIsTheNodeName() {
    TlsFiles dotted = ca.node("dotted", "backup.site-2:a_b");

    assertThat(ClusterTls.commonName(Pem.readCertificate(dotted.cert())))
        .contains("backup.site-2:a_b");
  }
}
