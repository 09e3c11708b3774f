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

@Timeout(30)
class NodeCertificateRenewalTest {

  private static final Instant ISSUED = Instant.parse("2026-11-02T10:00:00Z");
  private static final Instant RENEWED = ISSUED.plus(Duration.ofDays(700));

  @TempDir Path dir;

  private static NodeCertificates at(Instant now) {
    return new NodeCertificates(Clock.fixed(now, ZoneOffset.UTC), new SecureRandom());
  }

  private NodeCertificateRenewal.Renewed renew(Instant now, String node, List<String> hosts) {
    return new NodeCertificateRenewal(at(now)).renew(dir, NodeIdentity.of(node), hosts);
  }

  @Test
  void renewalKeepsIdentityHostsAndCaAndGivesANewKeyAndValidity() throws Exception {
    at(ISSUED).createCa(dir);
    at(ISSUED).createNode(dir, NodeIdentity.of("beta"), List.of("backup1.example.org", "10.0.0.2"));
    byte[] caCert = Files.readAllBytes(dir.resolve("ca.crt"));
    byte[] caKey = Files.readAllBytes(dir.resolve("ca.key"));
    byte[] oldCert = Files.readAllBytes(dir.resolve("beta.crt"));
    byte[] oldKey = Files.readAllBytes(dir.resolve("beta.key"));
    X509Certificate before = Pem.readCertificate(dir.resolve("beta.crt"));

    NodeCertificateRenewal.Renewed renewed = renew(RENEWED, "beta", List.of());

    X509Certificate after = Pem.readCertificate(dir.resolve("beta.crt"));
    X509Certificate ca = Pem.readCertificate(dir.resolve("ca.crt"));
    after.verify(ca.getPublicKey());
    assertThat(TlsContexts.identityOf(after)).isEqualTo(NodeIdentity.of("beta"));
    assertThat(NodeCertificateRenewal.hostsOf(after))
        .containsExactlyInAnyOrder("backup1.example.org", "10.0.0.2");
    assertThat(after.getPublicKey()).isNotEqualTo(before.getPublicKey());
    assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
    assertThat(after.getNotAfter()).isAfter(before.getNotAfter());
    assertThat(renewed.notAfter()).isEqualTo(after.getNotAfter().toInstant());
    assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(caCert);
    assertThat(Files.readAllBytes(dir.resolve("ca.key"))).isEqualTo(caKey);
    assertThat(Files.readAllBytes(dir.resolve("beta.crt.old"))).isEqualTo(oldCert);
    assertThat(Files.readAllBytes(dir.resolve("beta.key.old"))).isEqualTo(oldKey);
    for (String key : List.of("beta.key", "beta.key.old")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
          .as(key)
          .isEqualTo("rw-------");
    }
    assertThat(
            TlsContexts.load(
                dir.resolve("ca.crt"), dir.resolve("beta.crt"), dir.resolve("beta.key")))
        .isNotNull();
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "ca.crt", "ca.key", "beta.crt", "beta.key", "beta.crt.old", "beta.key.old");
    }
  }

  @Test
  void newHostsReplaceTheOldOnes() throws Exception {
    at(ISSUED).createCa(dir);
    at(ISSUED).createNode(dir, NodeIdentity.of("beta"), List.of("old.example.org"));

    renew(RENEWED, "beta", List.of("new.example.org"));

    assertThat(NodeCertificateRenewal.hostsOf(Pem.readCertificate(dir.resolve("beta.crt"))))
        .containsExactly("new.example.org");
  }

  @Test
  void aCertificateOfAnotherCaOrNoneAtAllIsNotRenewed() throws Exception {
    Path other = Files.createDirectory(dir.resolve("other"));
    at(ISSUED).createCa(dir);
    at(ISSUED).createCa(other);
    at(ISSUED).createNode(other, NodeIdentity.of("beta"), List.of());
    Files.copy(other.resolve("beta.crt"), dir.resolve("beta.crt"));
    Files.copy(other.resolve("beta.key"), dir.resolve("beta.key"));

    assertThatThrownBy(() -> renew(RENEWED, "beta", List.of()))
        .isInstanceOf(TlsSetupException.class)
        .hasMessageContaining("does not belong to");
    assertThat(dir.resolve("beta.crt.old")).doesNotExist();
    assertThatThrownBy(() -> renew(RENEWED, "gamma", List.of()))
        .hasMessageContaining("gamma.crt does not exist");
  }

  @Test
  void commandLineRenewsAndSaysWhatToDoNext() {
    run("cert", "create-ca", "--dir", dir.toString());
    run("cert", "create-node", "beta", "--dir", dir.toString());

    StringWriter out = new StringWriter();
    int code =
        ZfleetCommand.execute(
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true),
            "cert",
            "renew-node",
            "beta",
            "--dir",
            dir.toString());

    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("renewed " + dir.resolve("beta.crt"))
        .contains(dir.resolve("beta.crt.old").toString())
        .contains("restart node beta");
  }

  private static void run(String... args) {
    assertThat(
            ZfleetCommand.execute(
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(new StringWriter(), true),
                args))
        .isZero();
  }
}
