package org.zfleet.node.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class TlsContextsTest {

  @TempDir Path dir;

  @Test
  void nodesOfOneCaShakeHandsAndSeeEachOthersIdentity() throws Exception {
    TestCertificates cluster = TestCertificates.in(dir);
    SSLContext alpha = cluster.node("alpha");
    SSLContext beta = cluster.node("beta");

    try (SSLServerSocket server = serverSocket(alpha)) {
      CompletableFuture<NodeIdentity> serverSaw =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                  socket.startHandshake();
                  NodeIdentity peer = TlsContexts.peerIdentity(socket.getSession());
                  socket.getOutputStream().write(1);
                  return peer;
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      try (SSLSocket client = clientSocket(beta, server)) {
        client.startHandshake();
        assertThat(TlsContexts.peerIdentity(client.getSession()))
            .isEqualTo(NodeIdentity.of("alpha"));
        assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(client.getInputStream().read()).isEqualTo(1);
      }
      assertThat(serverSaw.get(10, TimeUnit.SECONDS)).isEqualTo(NodeIdentity.of("beta"));
    }
  }

  @Test
  void aClientFromAnotherCaIsRefused() throws Exception {
    SSLContext alpha = TestCertificates.in(Files.createDirectory(dir.resolve("one"))).node("alpha");
    SSLContext intruder =
        TestCertificates.in(Files.createDirectory(dir.resolve("two"))).node("beta");

    try (SSLServerSocket server = serverSocket(alpha)) {
      CompletableFuture<NodeIdentity> serverSaw =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                  socket.startHandshake();
                  return TlsContexts.peerIdentity(socket.getSession());
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      try (SSLSocket client = clientSocket(intruder, server)) {
        // Under TLS 1.3 the client may finish its side of the handshake; its first read fails.
        assertThatThrownBy(
                () -> {
                  client.startHandshake();
                  client.getInputStream().read();
                })
            .isInstanceOf(IOException.class);
      }
      // The server's handshake fails: a certificate alert, or a broken pipe if the client had
      // already hung up on that alert. Either way no identity came out of it.
      assertThatThrownBy(() -> serverSaw.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasRootCauseInstanceOf(IOException.class);
    }
  }

  @Test
  void aServerFromAnotherCaIsRefused() throws Exception {
    SSLContext alpha = TestCertificates.in(Files.createDirectory(dir.resolve("one"))).node("alpha");
    SSLContext intruder =
        TestCertificates.in(Files.createDirectory(dir.resolve("two"))).node("beta");

    try (SSLServerSocket server = serverSocket(intruder)) {
      CompletableFuture.runAsync(
          () -> {
            try (SSLSocket socket = (SSLSocket) server.accept()) {
              socket.startHandshake();
            } catch (IOException expected) {
              // the client refuses us
            }
          });
      try (SSLSocket client = clientSocket(alpha, server)) {
        assertThatThrownBy(client::startHandshake).isInstanceOf(SSLException.class);
      }
    }
  }

  @Test
  void aCertificateFromAnotherCaDoesNotLoad() throws Exception {
    Path one = Files.createDirectory(dir.resolve("one"));
    Path two = Files.createDirectory(dir.resolve("two"));
    TestCertificates.in(one).node("alpha");
    TestCertificates.in(two);

    assertThatThrownBy(
            () ->
                TlsContexts.load(
                    two.resolve("ca.crt"), one.resolve("alpha.crt"), one.resolve("alpha.key")))
        .isInstanceOf(TlsSetupException.class)
        .hasMessageContaining("is not signed by the CA");
  }

  @Test
  void aKeyThatDoesNotMatchIsRefused() {
    TestCertificates cluster = TestCertificates.in(dir);
    cluster.node("alpha");
    cluster.node("beta");

    assertThatThrownBy(
            () ->
                TlsContexts.load(
                    dir.resolve("ca.crt"), dir.resolve("alpha.crt"), dir.resolve("beta.key")))
        .isInstanceOf(TlsSetupException.class)
        .hasMessageContaining("beta.key is not the key of");
  }

  private static SSLServerSocket serverSocket(SSLContext context) throws IOException {
    SSLServerSocket server =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
    server.setNeedClientAuth(true);
    server.setEnabledProtocols(new String[] {TlsContexts.PROTOCOL});
    server.setSoTimeout(10_000);
    return server;
  }

  private static SSLSocket clientSocket(SSLContext context, SSLServerSocket server)
      throws IOException {
    SSLSocket socket =
        (SSLSocket)
            context
                .getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
    socket.setEnabledProtocols(new String[] {TlsContexts.PROTOCOL});
    socket.setSoTimeout(10_000);
    return socket;
  }
}
