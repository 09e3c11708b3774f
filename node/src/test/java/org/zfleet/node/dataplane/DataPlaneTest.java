package org.zfleet.node.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
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
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.transfer.TransferFailedException.Reason;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.TransferProgress;
import org.zfleet.transfer.TransferResult;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.ZfsException;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DataPlaneTest {

  private static final NodeIdentity ALPHA = NodeIdentity.of("alpha");
  private static final TransferHeader HEADER =
      TransferHeader.receive("push-home", DatasetName.of("tank/backups/beta/home"), "@a..@b");
  private static final TransferOptions OPTIONS =
      TransferOptions.defaults().withChunkSize(64 * 1024);

  @TempDir static Path certs;
  private static ActorTestKit testKit;
  private static SSLContext alpha;
  private static SSLContext beta;
  private static SSLContext gamma;
  private static SSLContext stranger;

  private DataPlaneServer server;
  private final RecordingHook hook = new RecordingHook();

  @BeforeAll
  static void setUp() throws IOException {
    testKit = ActorTestKit.create("DataPlaneTest");
    TestCertificates cluster = TestCertificates.in(certs.resolve("cluster"));
    alpha = cluster.node("alpha");
    beta = cluster.node("beta");
    gamma = cluster.node("gamma");
    stranger = TestCertificates.in(Files.createDirectory(certs.resolve("other"))).node("beta");
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyByteArrivesAndTheAcknowledgedCountMatches() throws Exception {
    long length = 8L * 1024 * 1024 + 5;
    startServer(
        (peer, header) -> header.target().equals(HEADER.target()) && peer.name().equals("beta"));
    hook.next = FakeReceiveProcess::accepting;
    List<TransferProgress> sent = new CopyOnWriteArrayList<>();

    TransferResult result =
        client(beta)
            .send(peer(), HEADER, FakeSendProcess.of(length, 21), OPTIONS, sent::add)
            .result()
            .toCompletableFuture()
            .join();

    assertThat(result.bytes()).isEqualTo(length);
    FakeReceiveProcess receive = hook.receive.get();
    assertThat(receive.sha256()).isEqualTo(FakeSendProcess.sha256Of(length, 21));
    assertThat(receive.closedCleanly()).isTrue();
    assertThat(hook.transfer.get().result().toCompletableFuture().join().bytes()).isEqualTo(length);
    assertThat(hook.peer.get()).isEqualTo(NodeIdentity.of("beta"));
    assertThat(hook.header.get()).isEqualTo(HEADER);
    assertThat(sent.get(sent.size() - 1))
        .extracting(TransferProgress::bytes, TransferProgress::finished)
        .containsExactly(length, true);
    assertThat(hook.progress.get(hook.progress.size() - 1).bytes()).isEqualTo(length);
  }

  @Test
  void anUnauthorizedPeerIsRefusedAndNoReceiveStarts() {
    startServer((peer, header) -> peer.name().equals("beta"));
    FakeSendProcess send = FakeSendProcess.endless(1);

    TransferFailedException failure =
        failureOf(client(gamma).send(peer(), HEADER, send, OPTIONS, ProgressListener.NONE));

    assertThat(failure.reason()).isEqualTo(Reason.REFUSED);
    assertThat(failure.getMessage())
        .contains("refused")
        .contains("gamma may not write tank/backups/beta/home");
    assertThat(hook.opened.get()).isZero();
    assertThat(send.killed()).isTrue();
  }

  @Test
  void aClientFromAnotherCaIsRefusedBeforeAnyRequest() {
    startServer((peer, header) -> true);
    FakeSendProcess send = FakeSendProcess.endless(1);

    TransferFailedException failure =
        failureOf(client(stranger).send(peer(), HEADER, send, OPTIONS, ProgressListener.NONE));

    assertThat(failure.reason()).isEqualTo(Reason.STREAM_FAILED);
    assertThat(hook.opened.get()).isZero();
    assertThat(send.killed()).isTrue();
  }

  @Test
  void aServerWithTheWrongIdentityIsRefused() {
    startServer((peer, header) -> true);
    PeerAddress expectingGamma =
        new PeerAddress(NodeIdentity.of("gamma"), "127.0.0.1", server.port());

    TransferFailedException failure =
        failureOf(
            client(beta)
                .send(
                    expectingGamma,
                    HEADER,
                    FakeSendProcess.endless(1),
                    OPTIONS,
                    ProgressListener.NONE));

    assertThat(failure.reason()).isEqualTo(Reason.REFUSED);
    assertThat(failure.getMessage()).contains("presented itself as node alpha, not gamma");
    assertThat(hook.opened.get()).isZero();
  }

  @Test
  void anOversizedHeaderIsRefused() throws Exception {
    startServer((peer, header) -> true);

    try (SSLSocket socket = rawClient(beta)) {
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(100_000);
      out.write(new byte[100_000]);
      out.flush();

      assertThat(Frames.readReply(socket.getInputStream()))
          .isEqualTo(new Reply.Refused("header of 100000 bytes exceeds the limit of 65536"));
    }
    assertThat(hook.opened.get()).isZero();
  }

  @Test
  void aMalformedHeaderIsRefused() throws Exception {
    startServer((peer, header) -> true);

    try (SSLSocket socket = rawClient(beta)) {
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(12);
      out.write("GET / HTTP/1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();

      assertThat(Frames.readReply(socket.getInputStream()))
          .isEqualTo(new Reply.Refused("not a zfleet data-plane request"));
    }
    assertThat(hook.opened.get()).isZero();
  }

  @Test
  void theForceFlagReachesTheReceivingSide() {
    startServer((peer, header) -> true);
    hook.next = FakeReceiveProcess::accepting;
    TransferHeader forced = HEADER.withForce(true);

    client(beta)
        .send(peer(), forced, FakeSendProcess.of(1000, 5), OPTIONS, ProgressListener.NONE)
        .result()
        .toCompletableFuture()
        .join();

    assertThat(hook.header.get()).isEqualTo(forced);
    assertThat(hook.header.get().force()).isTrue();
  }

  @Test
  void aHeaderWithUnknownFlagsIsRefused() throws Exception {
    startServer((peer, header) -> true);
    java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
    Frames.writeHeader(frame, HEADER);
    byte[] bytes = frame.toByteArray();
    bytes[4 + 6] = (byte) 0x82; // length, "ZFDP", version, kind, then the flags

    try (SSLSocket socket = rawClient(beta)) {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();

      assertThat(Frames.readReply(socket.getInputStream()))
          .isEqualTo(new Reply.Refused("unknown header flags 10000010"));
    }
    assertThat(hook.opened.get()).isZero();
  }

  @Test
  void aSenderThatDiesMidStreamLeavesTheReceiveKilledWithoutAnEnd() throws Exception {
    startServer((peer, header) -> true);
    hook.next = FakeReceiveProcess::accepting;

    try (SSLSocket socket = rawClient(beta)) {
      Frames.writeHeader(socket.getOutputStream(), HEADER);
      assertThat(Frames.readReply(socket.getInputStream())).isEqualTo(new Reply.Ready());
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      for (int i = 0; i < 3; i++) {
        out.writeInt(1000);
        out.write(new byte[1000]);
      }
      out.flush();
      awaitTrue(() -> hook.transfer.get() != null);
      socket.setSoLinger(true, 0);
    }

    FakeReceiveProcess receive = hook.receive.get();
    awaitTrue(receive::killed);
    assertThat(receive.closedCleanly()).isFalse();
    TransferFailedException serverSide = failureOf(hook.transfer.get());
    assertThat(serverSide.reason()).isEqualTo(Reason.SEND_FAILED);
  }

  @Test
  void aFailedReceiveStopsTheSenderWithTheReceiveStderr() {
    startServer((peer, header) -> true);
    hook.next =
        () ->
            FakeReceiveProcess.failingAfter(
                1024 * 1024, "cannot receive new filesystem stream: out of space");
    FakeSendProcess send = FakeSendProcess.endless(3);

    TransferFailedException failure =
        failureOf(client(beta).send(peer(), HEADER, send, OPTIONS, ProgressListener.NONE));

    assertThat(failure.reason()).isEqualTo(Reason.RECEIVE_FAILED);
    assertThat(failure.receiveStderr()).contains("out of space");
    assertThat(failure.getMessage()).contains("node alpha");
    assertThat(send.killed()).isTrue();
  }

  @Test
  void aReceiveThatCannotStartIsReportedToTheSender() {
    startServer((peer, header) -> true);
    hook.next =
        () -> {
          throw new ZfsException.NotFound(
              "dataset does not exist",
              List.of("zfs", "receive"),
              "cannot open 'tank/backups': dataset does not exist");
        };
    FakeSendProcess send = FakeSendProcess.endless(3);

    TransferFailedException failure =
        failureOf(client(beta).send(peer(), HEADER, send, OPTIONS, ProgressListener.NONE));

    assertThat(failure.reason()).isEqualTo(Reason.RECEIVE_FAILED);
    assertThat(failure.receiveStderr()).contains("cannot open 'tank/backups'");
    assertThat(send.killed()).isTrue();
  }

  @Test
  void cancellingTheSenderAbortsTheReceive() {
    startServer((peer, header) -> true);
    hook.next = FakeReceiveProcess::accepting;
    FakeSendProcess send = FakeSendProcess.endless(4);
    RunningTransfer transfer =
        client(beta).send(peer(), HEADER, send, OPTIONS, ProgressListener.NONE);
    awaitTrue(() -> hook.receive.get() != null && hook.receive.get().consumed() > 2 * 1024 * 1024);

    transfer.cancel();

    assertThat(failureOf(transfer).reason()).isEqualTo(Reason.CANCELLED);
    assertThat(send.killed()).isTrue();
    FakeReceiveProcess receive = hook.receive.get();
    awaitTrue(receive::killed);
    assertThat(receive.closedCleanly()).isFalse();
  }

  @Test
  void cancellingASenderBlockedOnAFullConnectionReturnsPromptlyAndTheStuckReceiveIsStopped()
      throws Exception {
    startServer((peer, header) -> true, Duration.ofSeconds(2));
    hook.next = () -> FakeReceiveProcess.accepting().gated();
    FakeSendProcess send = FakeSendProcess.endless(4);
    RunningTransfer transfer =
        client(beta).send(peer(), HEADER, send, OPTIONS, ProgressListener.NONE);
    // The receive takes nothing: the server's buffers and then the connection fill up, and the
    // sender blocks in a socket write.
    awaitTrue(() -> transfer.bytesSoFar() > 0);
    long before;
    do {
      before = transfer.bytesSoFar();
      Thread.sleep(500);
    } while (transfer.bytesSoFar() != before);

    CompletableFuture<Void> cancelled = CompletableFuture.runAsync(transfer::cancel);
    cancelled.get(10, TimeUnit.SECONDS);
    assertThat(failureOf(transfer).reason()).isEqualTo(Reason.CANCELLED);
    assertThat(send.killed()).isTrue();
    // Nothing reads the connection while the receive takes nothing, so the server learns of the
    // sender's end from its idle timeout.
    awaitTrue(() -> hook.receive.get().killed());
  }

  private void startServer(java.util.function.BiPredicate<NodeIdentity, TransferHeader> allowed) {
    startServer(allowed, DataPlaneSettings.of("127.0.0.1", 0).idleTimeout());
  }

  private void startServer(
      java.util.function.BiPredicate<NodeIdentity, TransferHeader> allowed, Duration idleTimeout) {
    Authorizer authorizer =
        (peer, header) ->
            allowed.test(peer, header)
                ? Authorization.allowed()
                : Authorization.refused(peer + " may not write " + header.target());
    try {
      server =
          DataPlaneServer.start(
              DataPlaneSettings.of("127.0.0.1", 0)
                  .withTransferOptions(OPTIONS)
                  .withIdleTimeout(idleTimeout),
              alpha,
              authorizer,
              hook,
              testKit.system());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private PeerAddress peer() {
    return new PeerAddress(ALPHA, "127.0.0.1", server.port());
  }

  private static DataPlaneClient client(SSLContext tls) {
    return new DataPlaneClient(tls, testKit.system());
  }

  private SSLSocket rawClient(SSLContext tls) throws IOException {
    SSLSocket socket =
        (SSLSocket)
            tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), server.port());
    socket.setEnabledProtocols(new String[] {TlsContexts.PROTOCOL});
    socket.setSoTimeout(20_000);
    socket.startHandshake();
    return socket;
  }

  private static TransferFailedException failureOf(RunningTransfer transfer) {
    CompletableFuture<TransferResult> result = transfer.result().toCompletableFuture();
    assertThatThrownBy(result::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(TransferFailedException.class);
    return (TransferFailedException)
        result.handle((v, e) -> e instanceof CompletionException ? e.getCause() : e).join();
  }

  private static void awaitTrue(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within 20 s");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Records what the server asked of it and hands out the receive the test chose. */
  private static final class RecordingHook implements ReceiveHook {
    volatile Supplier<FakeReceiveProcess> next = FakeReceiveProcess::accepting;
    final AtomicInteger opened = new AtomicInteger();
    final AtomicReference<FakeReceiveProcess> receive = new AtomicReference<>();
    final AtomicReference<NodeIdentity> peer = new AtomicReference<>();
    final AtomicReference<TransferHeader> header = new AtomicReference<>();
    final AtomicReference<RunningTransfer> transfer = new AtomicReference<>();
    final List<TransferProgress> progress = new CopyOnWriteArrayList<>();

    @Override
    public ReceiveProcess open(NodeIdentity peer, TransferHeader header) {
      opened.incrementAndGet();
      this.peer.set(peer);
      this.header.set(header);
      FakeReceiveProcess process = next.get();
      receive.set(process);
      return process;
    }

    @Override
    public ProgressListener progress(NodeIdentity peer, TransferHeader header) {
      return progress::add;
    }

    @Override
    public void started(NodeIdentity peer, TransferHeader header, RunningTransfer running) {
      transfer.set(running);
    }
  }
}
