package org.zfleet.node.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.node.cli.ZfleetCommand;
import picocli.CommandLine;

@Timeout(30)
class NodeCertificatesTest {

  private static final Instant NOW = Instant.parse("2026-11-02T10:00:00Z");

  @TempDir Path dir;

  private final NodeCertificates certificates =
      new NodeCertificates(Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom());

  @Test
  void createdFilesParseBackAndTheChainVerifies() throws Exception {
    certificates.createCa(dir);
    certificates.createNode(
        dir, NodeIdentity.of("alpha"), List.of("backup1.example.org", "10.0.0.7", "::1"));

    X509Certificate ca = Pem.readCertificate(dir.resolve("ca.crt"));
    X509Certificate node = Pem.readCertificate(dir.resolve("alpha.crt"));
    Pem.readPrivateKey(dir.resolve("ca.key"));
    Pem.readPrivateKey(dir.resolve("alpha.key"));

    ca.verify(ca.getPublicKey());
    node.verify(ca.getPublicKey());
    assertThat(ca.getBasicConstraints()).isEqualTo(0);
    assertThat(node.getBasicConstraints()).isEqualTo(-1);
    assertThat(TlsContexts.identityOf(node)).isEqualTo(NodeIdentity.of("alpha"));
    assertThat(node.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(node.getSubjectAlternativeNames())
        .extracting(entry -> String.valueOf(entry.get(1)))
        .containsExactlyInAnyOrder("backup1.example.org", "10.0.0.7", "0:0:0:0:0:0:0:1");
    assertThat(Duration.between(NOW, ca.getNotAfter().toInstant()).toDays())
        .isBetween(3650L, 3660L);
    assertThat(Duration.between(NOW, node.getNotAfter().toInstant()).toDays())
        .isBetween(729L, 732L);
    assertThat(node.getNotBefore().toInstant()).isBefore(NOW);
    assertThat(Files.readString(dir.resolve("alpha.key")))
        .startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void nodeCertificateNamesLocalhostByDefault() throws Exception {
    certificates.createCa(dir);
    certificates.createNode(dir, NodeIdentity.of("beta"), List.of());

    X509Certificate node = Pem.readCertificate(dir.resolve("beta.crt"));
    assertThat(node.getSubjectAlternativeNames())
        .extracting(entry -> String.valueOf(entry.get(1)))
        .containsExactlyInAnyOrder("localhost", "127.0.0.1");
  }

  @Test
  void keysAreReadableByTheirOwnerOnly() throws Exception {
    certificates.createCa(dir);
    certificates.createNode(dir, NodeIdentity.of("alpha"), List.of());

    for (String key : List.of("ca.key", "alpha.key")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
          .as(key)
          .isEqualTo("rw-------");
    }
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("alpha.crt"))))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void anExistingCaIsNeverOverwritten() throws Exception {
    certificates.createCa(dir);
    byte[] key = Files.readAllBytes(dir.resolve("ca.key"));
    byte[] cert = Files.readAllBytes(dir.resolve("ca.crt"));

    assertThatThrownBy(() -> certificates.createCa(dir))
        .isInstanceOf(TlsSetupException.class)
        .hasMessageContaining("ca.key already exists")
        .hasMessageContaining("refusing to overwrite");

    assertThat(Files.readAllBytes(dir.resolve("ca.key"))).isEqualTo(key);
    assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(cert);
  }

  @Test
  void aCaCertificateAloneAlsoBlocksANewCa() throws Exception {
    Files.writeString(dir.resolve("ca.crt"), "operator's own CA");

    assertThatThrownBy(() -> certificates.createCa(dir))
        .hasMessageContaining("ca.crt already exists");
    assertThat(Files.exists(dir.resolve("ca.key"))).isFalse();
  }

  @Test
  void anExistingNodeCertificateIsNotReplaced() {
    certificates.createCa(dir);
    certificates.createNode(dir, NodeIdentity.of("alpha"), List.of());

    assertThatThrownBy(() -> certificates.createNode(dir, NodeIdentity.of("alpha"), List.of()))
        .hasMessageContaining("alpha.key already exists");
  }

  @Test
  void nodeCertificateNeedsTheCa() {
    assertThatThrownBy(() -> certificates.createNode(dir, NodeIdentity.of("alpha"), List.of()))
        .isInstanceOf(TlsSetupException.class)
        .hasMessageContaining("ca.crt does not exist");
  }

  @Test
  void badHostsAreRefused() {
    certificates.createCa(dir);

    assertThatThrownBy(
            () -> certificates.createNode(dir, NodeIdentity.of("alpha"), List.of("bad host!")))
        .hasMessageContaining("\"bad host!\" is neither a DNS name nor an IP address");
    assertThat(Files.exists(dir.resolve("alpha.key"))).isFalse();
  }

  @Test
  void commandLineCreatesCaAndNodeAndRefusesASecondCa() throws Exception {
    Path certs = dir.resolve("certs");
    assertThat(run("cert", "create-ca", "--dir", certs.toString()).exit).isEqualTo(0);
    assertThat(
            run("cert", "create-node", "alpha", "--dir", certs.toString(), "--host", "alpha.lan")
                .exit)
        .isEqualTo(0);

    Result again = run("cert", "create-ca", "--dir", certs.toString());

    assertThat(again.exit).isEqualTo(ZfleetCommand.EXIT_FAILED);
    assertThat(again.err)
        .contains("refusing to overwrite an existing CA")
        .doesNotContain("Exception");
    assertThat(
            TlsContexts.load(
                certs.resolve("ca.crt"), certs.resolve("alpha.crt"), certs.resolve("alpha.key")))
        .isNotNull();
  }

  @Test
  void commandLineRefusesAnInvalidNodeName() {
    run("cert", "create-ca", "--dir", dir.toString());

    Result result = run("cert", "create-node", "tank/alpha", "--dir", dir.toString());

    assertThat(result.exit).isEqualTo(ZfleetCommand.EXIT_USAGE);
    assertThat(result.err).contains("invalid node name \"tank/alpha\"");
    assertThat(dir.resolve("tank")).doesNotExist();
  }

  private record Result(int exit, String err) {}

  private static Result run(String... args) {
    CommandLine cli = ZfleetCommand.newCommandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    int exit = cli.execute(args);
    return new Result(exit, err.toString());
  }
}
