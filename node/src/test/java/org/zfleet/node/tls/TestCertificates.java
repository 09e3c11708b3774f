package org.zfleet.node.tls;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLContext;

/** A CA and node certificates in a test's temporary directory. */
public final class TestCertificates {

  private final Path dir;
  private final NodeCertificates certificates =
      new NodeCertificates(Clock.systemUTC(), new SecureRandom());

  private TestCertificates(Path dir) {
    this.dir = dir;
    certificates.createCa(dir);
  }

  /** Creates a CA in {@code dir}. */
  public static TestCertificates in(Path dir) {
    return new TestCertificates(dir);
  }

  /** Creates the node's certificate and returns a TLS context presenting it. */
  public SSLContext node(String name) {
    certificates.createNode(dir, NodeIdentity.of(name), List.of());
    return TlsContexts.load(
        dir.resolve("ca.crt"), dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
  }

  public Path dir() {
    return dir;
  }
}
