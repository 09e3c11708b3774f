package org.zfleet.node.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.node.tls.TestCertificates;
import org.zfleet.node.tls.TlsContexts;
import org.zfleet.transfer.FakeReceiveProcess;
import org.zfleet.transfer.FakeSendProcess;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.TransferResult;

/**
 * The data plane against connections that are not what they claim: an attacker on another address
 * (127.0.0.2) who opens many connections and dribbles bytes, or sends garbage, with or without a
 * certificate of the cluster. A real transfer from a cluster node (127.0.0.1) must go through
 * meanwhile, and nothing may be left behind.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DataPlaneAbuseTest {

  private static final String ATTACKER = "127.0.0.2";
  private static final TransferHeader HEADER =
      TransferHeader.receive("sink", DatasetName.of("tank/backups/beta/home"), "");
  private static final TransferOptions OPTIONS =
      TransferOptions.defaults().withChunkSize(64 * 1024);

  @TempDir static Path certs;
  private static ActorTestKit testKit;
  private static SSLContext alpha;
  private static SSLContext beta;

  private DataPlaneServer server;
  private final List<Socket> attackers = new ArrayList<>();
  private final ScheduledExecutorService dribbler = Executors.newSingleThreadScheduledExecutor();

  @BeforeAll
  static void setUp() throws IOException {
    testKit = ActorTestKit.create("DataPlaneAbuseTest");
    TestCertificates cluster = TestCertificates.in(certs.resolve("cluster"));
    alpha = cluster.node("alpha");
    beta = cluster.node("beta");
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void stop() {
    dribbler.shutdownNow();
    attackers.forEach(DataPlaneAbuseTest::closeQuietly);
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aRealTransferGoesThroughWhileFiftySlowOrGarbageConnectionsAreOpen() throws Exception {
    start();
    // 25 that finished a handshake with a cluster certificate and dribble a header, 25 that
    // dribble a TLS ClientHello, one byte every two seconds.
    // The server may refuse some of them outright; those it keeps must not hold up the transfer.
    for (int i = 0; i < 25; i++) {
      try {
        SSLSocket slow = attackerTls(beta);
        dribble(slow.getOutputStream());
      } catch (IOException refused) {
        // hung up on or not served: either way it holds nothing of the server's
      }
    }
    for (int i = 0; i < 25; i++) {
      Socket slow = attackerSocket();
      dribble(slow.getOutputStream());
    }
    Thread.sleep(1000);

    long started = System.nanoTime();
    TransferResult result =
        new DataPlaneClient(alpha, testKit.system())
            .send(
                peer(),
                HEADER,
                FakeSendProcess.of(4 * 1024 * 1024, 3),
                OPTIONS,
                ProgressListener.NONE)
            .result()
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);

    assertThat(result.bytes()).isEqualTo(4 * 1024 * 1024);
    System.out.println(
        "transfer beside 50 slow connections took "
            + Duration.ofNanos(System.nanoTime() - started).toMillis()
            + " ms");
  }

  @Test
  void afterAThousandGarbageConnectionsEverySocketAndPermitIsBack() throws Exception {
    start();
    long before = openFileDescriptors();
    Random random = new Random(7);
    for (int i = 0; i < 1000; i++) {
      switch (i % 4) {
        case 0 -> { // garbage instead of a TLS handshake
          try (Socket s = attackerSocket()) {
            byte[] junk = new byte[1 + random.nextInt(2000)];
            random.nextBytes(junk);
            s.getOutputStream().write(junk);
          } catch (IOException ignored) {
            // the server may hang up first
          }
        }
        case 1 -> { // connect and leave at once
          attackerSocket().close();
        }
        case 2 -> { // a cluster certificate, then a garbage frame
          try (SSLSocket s = attackerTls(beta)) {
            s.getOutputStream().write(new byte[] {0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'});
            s.getOutputStream().flush();
          } catch (IOException ignored) {
            // refused
          }
        }
        default -> { // half a header, then gone
          try (SSLSocket s = attackerTls(beta)) {
            s.getOutputStream().write(new byte[] {0, 0, 1, 0, 'Z', 'F'});
            s.getOutputStream().flush();
          } catch (IOException ignored) {
            // refused
          }
        }
      }
    }

    // More transfers in a row than the server has permits: none was kept by the garbage.
    DataPlaneClient client = new DataPlaneClient(alpha, testKit.system());
    for (int i = 0; i < 10; i++) {
      TransferResult result =
          client
              .send(
                  peer(), HEADER, FakeSendProcess.of(64 * 1024, i), OPTIONS, ProgressListener.NONE)
              .result()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      assertThat(result.bytes()).isEqualTo(64 * 1024);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long after = openFileDescriptors();
    // The server lets a connection go once its close completes, a moment after the client has
    // its result: wait for that, within the deadline, before counting.
    while ((after > before + 5
            || server.openConnections() > 0
            || server.connectionsInSetup() > 0
            || server.freeTransferPermits() < 8)
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
      after = openFileDescriptors();
    }
    assertThat(after)
        .as("open file descriptors (%d before)", before)
        .isLessThanOrEqualTo(before + 5);
    assertThat(server.openConnections()).as("connections the server holds").isZero();
    assertThat(server.connectionsInSetup()).as("connections in setup").isZero();
    assertThat(server.freeTransferPermits()).as("free transfer permits").isEqualTo(8);
  }

  @Test
  void oneDeadlineEndsASetupThatDribblesAndOneAddressHoldsFewSetupSlots() throws Exception {
    server =
        DataPlaneServer.start(
            DataPlaneSettings.of("127.0.0.1", 0)
                .withTransferOptions(OPTIONS)
                .withSetupTimeout(Duration.ofSeconds(3)),
            beta,
            (peer, header) -> Authorization.allowed(),
            (peer, header) -> FakeReceiveProcess.accepting(),
            testKit.system());
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Socket s = attackerSocket();
      s.setSoTimeout(10_000);
      dribble(s.getOutputStream());
      slow.add(s);
    }
    Thread.sleep(500);
    int limit = DataPlaneSettings.Limits.defaults().setupPerAddress();
    assertThat(server.connectionsInSetup())
        .as("setups from one address")
        .isLessThanOrEqualTo(limit);

    long started = System.nanoTime();
    for (Socket s : slow) {
      // Each read ends with the server's close: at once for those over the bound, at the
      // deadline for the others, however often a byte arrives.
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(took).isLessThan(Duration.ofSeconds(8));
    awaitTrue(() -> server.openConnections() == 0 && server.connectionsInSetup() == 0);
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }

  // ---- helpers

  private void start() throws IOException {
    server =
        DataPlaneServer.start(
            DataPlaneSettings.of("127.0.0.1", 0).withTransferOptions(OPTIONS),
            beta,
            (peer, header) -> Authorization.allowed(),
            (peer, header) -> FakeReceiveProcess.accepting(),
            testKit.system());
  }

  private PeerAddress peer() {
    return new PeerAddress(NodeIdentity.of("beta"), "127.0.0.1", server.port());
  }

  private Socket attackerSocket() throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(ATTACKER, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
    attackers.add(socket);
    return socket;
  }

  private SSLSocket attackerTls(SSLContext tls) throws IOException {
    Socket plain = attackerSocket();
    SSLSocket socket =
        (SSLSocket) tls.getSocketFactory().createSocket(plain, "127.0.0.1", server.port(), true);
    socket.setEnabledProtocols(new String[] {TlsContexts.PROTOCOL});
    socket.setSoTimeout(2_000);
    socket.startHandshake();
    attackers.add(socket);
    return socket;
  }

  private void dribble(OutputStream out) {
    dribbler.scheduleWithFixedDelay(
        () -> {
          try {
            out.write(0);
            out.flush();
          } catch (IOException ignored) {
            // the server hung up: good
          }
        },
        0,
        2,
        TimeUnit.SECONDS);
  }

  private static long openFileDescriptors() throws IOException {
    try (var entries = Files.list(Path.of("/proc/self/fd"))) {
      return entries.count();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
