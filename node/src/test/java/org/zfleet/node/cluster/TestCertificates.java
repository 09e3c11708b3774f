package org.zfleet.node.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority for tests, made with the {@code openssl} command line: EC
 * P-256 keys, node certificates with CN = node name and SANs localhost and 127.0.0.1.
 */
final class TestCertificates {

  private final Path dir;
  private final Path caCert;
  private final Path caKey;
  private long serial = 1;

  private TestCertificates(Path dir, Path caCert, Path caKey) {
    this.dir = dir;
    this.caCert = caCert;
    this.caKey = caKey;
  }

  /** Creates a CA named {@code caName} with its files in {@code dir}. */
  static TestCertificates createCa(Path dir, String caName) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Path key = dir.resolve("ca.key");
    Path cert = dir.resolve("ca.crt");
    // The CA key in OpenSSL's traditional EC (SEC1) form, node keys in PKCS#8: both must load.
    openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
    openssl(
        dir,
        "req",
        "-x509",
        "-new",
        "-key",
        key.toString(),
        "-sha256",
        "-days",
        "2",
        "-subj",
        "/CN=" + caName,
        "-out",
        cert.toString(),
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    return new TestCertificates(dir, cert, key);
  }

  Path caCert() {
    return caCert;
  }

  /** A key and certificate whose CN is {@code name}, issued by this CA. */
  TlsFiles node(String name) {
    return node(name, name);
  }

  /** A key and certificate with CN {@code commonName}, stored under {@code fileName}. */
  TlsFiles node(String fileName, String commonName) {
    Path key = dir.resolve(fileName + ".key");
    Path csr = dir.resolve(fileName + ".csr");
    Path cert = dir.resolve(fileName + ".crt");
    Path extensions = dir.resolve(fileName + ".ext");
    try {
      Files.writeString(
          extensions,
          "basicConstraints=CA:FALSE\n"
              + "keyUsage=critical,digitalSignature\n"
              + "extendedKeyUsage=serverAuth,clientAuth\n"
              + "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
          StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    openssl(
        dir,
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        key.toString());
    openssl(
        dir,
        "req",
        "-new",
        "-key",
        key.toString(),
        "-subj",
        "/CN=" + commonName,
        "-out",
        csr.toString());
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        caCert.toString(),
        "-CAkey",
        caKey.toString(),
        "-set_serial",
        Long.toString(serial++),
        "-days",
        "2",
        "-sha256",
        "-extfile",
        extensions.toString(),
        "-out",
        cert.toString());
    return new TlsFiles(caCert, cert, key);
  }

  /** The node key converted to OpenSSL's traditional EC form ("EC PRIVATE KEY"). */
  Path traditionalKey(TlsFiles files) {
    Path out = files.key().resolveSibling(files.key().getFileName() + ".sec1");
    openssl(dir, "ec", "-in", files.key().toString(), "-out", out.toString());
    return out;
  }

  private static void openssl(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("openssl timed out: " + command);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "openssl failed: " + command + "\n" + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run openssl (is it installed?): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running openssl", e);
    }
  }
}
