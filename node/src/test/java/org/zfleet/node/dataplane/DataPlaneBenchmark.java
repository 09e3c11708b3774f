package org.zfleet.node.dataplane;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.zfleet.model.DatasetName;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.node.tls.TestCertificates;
import org.zfleet.node.tls.TlsContexts;
import org.zfleet.transfer.ByteTransfer;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.SendProcess;

/**
 * Throughput on loopback, one JVM holding both ends: 1 GiB of random bytes (a 64 MiB buffer sent 16
 * times) through a bare JDK SSLSocket pair, through the zfleet data plane, through Pekko Streams
 * Tcp with its TLS stage, and through the local ByteTransfer without a network. Prints MB/s and
 * process CPU seconds per run. Not a test: run its main with the node test classpath.
 */
public final class DataPlaneBenchmark {

  private static final int CHUNK = 256 * 1024;
  private static final byte[] DATA = new byte[64 << 20];
  private static final long TOTAL = 1L << 30;

  private static SSLContext server;
  private static SSLContext client;
  private static ActorSystem<Void> system;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    new SplittableRandom(1).nextBytes(DATA);
    Path dir = Files.createTempDirectory("zfleet-bench");
    TestCertificates cluster = TestCertificates.in(dir.resolve("certs"));
    server = cluster.node("alpha");
    client = cluster.node("beta");
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "bench",
            ConfigFactory.parseString(
                    "pekko.io.tcp.direct-buffer-size = 256 KiB\n"
                        + "pekko.stream.materializer.io.tcp.write-buffer-size = 256 KiB\n"
                        + "pekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    Map<String, Run> variants = new LinkedHashMap<>();
    variants.put("jdk-sslsocket", DataPlaneBenchmark::jdkSocketPair);
    variants.put("zfleet-dataplane", () -> dataPlane(TransferOptions.defaults()));
    variants.put("pekko-tcp-tls-stage", DataPlaneBenchmark::pekkoTlsStage);
    variants.put("local-bytetransfer", DataPlaneBenchmark::localTransfer);
    variants.put("pipe-head-cat", DataPlaneBenchmark::shellPipe);
    variants.put("processes-bytetransfer", DataPlaneBenchmark::processTransfer);
    variants.put("processes-dataplane", DataPlaneBenchmark::processDataPlane);
    if (args.length > 1) {
      variants.keySet().retainAll(List.of(args).subList(1, args.length));
      variants.putIfAbsent("jdk-sslsocket", DataPlaneBenchmark::jdkSocketPair);
    }
    try {
      for (var v : variants.entrySet()) {
        System.out.printf("warm-up %s: %s%n", v.getKey(), measure(v.getValue()));
      }
      Map<String, List<Result>> results = new LinkedHashMap<>();
      for (int round = 0; round < rounds; round++) {
        for (var v : variants.entrySet()) {
          Result r = measure(v.getValue());
          results.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(r);
          System.out.printf("round %d %s: %s%n", round + 1, v.getKey(), r);
        }
      }
      double reference = best(results.get("jdk-sslsocket")).mbPerSecond();
      System.out.println(
          "| variant | MB/s best | MB/s median | CPU s/GiB (best run) | ratio to JDK SSLSocket |");
      System.out.println("|---|---|---|---|---|");
      for (var e : results.entrySet()) {
        Result b = best(e.getValue());
        System.out.printf(
            "| %s | %.0f | %.0f | %.1f | %.2f |%n",
            e.getKey(),
            b.mbPerSecond(),
            median(e.getValue()),
            b.cpuSeconds(),
            b.mbPerSecond() / reference);
      }
      for (long limit : new long[] {5_000_000, 40_000_000, 200_000_000}) {
        Result limited = measureBytes(() -> dataPlaneLimited(limit), limit * 8);
        System.out.printf(
            "bandwidth limit %d B/s: achieved %.1f MB/s over 8 s%n", limit, limited.mbPerSecond());
      }
    } finally {
      system.terminate();
    }
  }

  interface Run {
    void run() throws Exception;
  }

  record Result(double mbPerSecond, double cpuSeconds) {
    @Override
    public String toString() {
      return String.format("%.0f MB/s, %.1f CPU s", mbPerSecond, cpuSeconds);
    }
  }

  private static Result measure(Run run) throws Exception {
    return measureBytes(run, TOTAL);
  }

  private static Result measureBytes(Run run, long bytes) throws Exception {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.gc();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    run.run();
    long nanos = System.nanoTime() - t0;
    long cpu = os.getProcessCpuTime() - cpu0;
    return new Result(bytes / 1e6 / (nanos / 1e9), cpu / 1e9);
  }

  private static Result best(List<Result> results) {
    return Collections.max(results, (a, b) -> Double.compare(a.mbPerSecond(), b.mbPerSecond()));
  }

  private static double median(List<Result> results) {
    List<Double> rates =
        new ArrayList<>(results.stream().map(Result::mbPerSecond).sorted().toList());
    return rates.get(rates.size() / 2);
  }

  /** The reference: TLS 1.3 with client certificates, 256 KiB writes, no Pekko. */
  private static void jdkSocketPair() throws Exception {
    try (SSLServerSocket listener =
        (SSLServerSocket)
            server
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      listener.setEnabledProtocols(new String[] {TlsContexts.PROTOCOL});
      CompletableFuture<Long> received =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                  InputStream in = socket.getInputStream();
                  byte[] buffer = new byte[CHUNK];
                  long total = 0;
                  for (int n; total < TOTAL && (n = in.read(buffer)) >= 0; ) {
                    total += n;
                  }
                  socket.getOutputStream().write(1);
                  return total;
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      try (SSLSocket socket =
          (SSLSocket)
              client
                  .getSocketFactory()
                  .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        socket.setEnabledProtocols(new String[] {TlsContexts.PROTOCOL});
        OutputStream out = socket.getOutputStream();
        for (long sent = 0; sent < TOTAL; sent += CHUNK) {
          out.write(DATA, (int) (sent % DATA.length), CHUNK);
        }
        out.flush();
        socket.getInputStream().read();
      }
      if (received.join() != TOTAL) {
        throw new IllegalStateException("received " + received.join());
      }
    }
  }

  private static void dataPlane(TransferOptions options) throws Exception {
    dataPlane(options, TOTAL);
  }

  private static void dataPlaneLimited(long limit) throws Exception {
    dataPlane(TransferOptions.defaults().withBandwidthLimit(limit), limit * 8);
  }

  private static void dataPlane(TransferOptions options, long total) throws Exception {
    Discard discard = new Discard();
    ReceiveHook hook = (peer, header) -> discard;
    try (DataPlaneServer plane =
        DataPlaneServer.start(
            DataPlaneSettings.of("127.0.0.1", 0),
            server,
            (peer, header) -> Authorization.allowed(),
            hook,
            system)) {
      long bytes =
          new DataPlaneClient(client, system)
              .send(
                  new PeerAddress(NodeIdentity.of("alpha"), "127.0.0.1", plane.port()),
                  TransferHeader.receive("bench", DatasetName.of("tank/bench"), ""),
                  new Generate(total),
                  options,
                  ProgressListener.NONE)
              .result()
              .toCompletableFuture()
              .join()
              .bytes();
      if (bytes != total || discard.count.get() != total) {
        throw new IllegalStateException("moved " + bytes);
      }
    }
  }

  private static void localTransfer() {
    Discard discard = new Discard();
    ByteTransfer.start(
            new Generate(TOTAL),
            discard,
            TransferOptions.defaults(),
            ProgressListener.NONE,
            Materializer.matFromSystem(system))
        .result()
        .toCompletableFuture()
        .join();
  }

  /** The raw pipe between two processes, for the process variants below. */
  private static void shellPipe() throws Exception {
    Process p =
        new ProcessBuilder("sh", "-c", "head -c " + TOTAL + " /dev/zero | cat > /dev/null").start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("pipe failed");
    }
  }

  /** The same two processes, bridged by the local ByteTransfer. */
  private static void processTransfer() {
    ByteTransfer.start(
            new ProcessSend("head", "-c", String.valueOf(TOTAL), "/dev/zero"),
            new ProcessReceive("sh", "-c", "cat > /dev/null"),
            TransferOptions.defaults(),
            ProgressListener.NONE,
            Materializer.matFromSystem(system))
        .result()
        .toCompletableFuture()
        .join();
  }

  /** The same two processes, bridged by the data plane on loopback. */
  private static void processDataPlane() throws Exception {
    ReceiveHook hook = (peer, header) -> new ProcessReceive("sh", "-c", "cat > /dev/null");
    try (DataPlaneServer plane =
        DataPlaneServer.start(
            DataPlaneSettings.of("127.0.0.1", 0),
            server,
            (peer, header) -> Authorization.allowed(),
            hook,
            system)) {
      new DataPlaneClient(client, system)
          .send(
              new PeerAddress(NodeIdentity.of("alpha"), "127.0.0.1", plane.port()),
              TransferHeader.receive("bench", DatasetName.of("tank/bench"), ""),
              new ProcessSend("head", "-c", String.valueOf(TOTAL), "/dev/zero"),
              TransferOptions.defaults(),
              ProgressListener.NONE)
          .result()
          .toCompletableFuture()
          .join();
    }
  }

  private static final class ProcessSend implements SendProcess {
    private final Process process;

    ProcessSend(String... command) {
      try {
        process =
            new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public InputStream stdout() {
      return process.getInputStream();
    }

    @Override
    public CompletionStage<Void> completion() {
      return exit(process);
    }

    @Override
    public void kill() {
      process.destroyForcibly();
    }
  }

  private static final class ProcessReceive implements ReceiveProcess {
    private final Process process;

    ProcessReceive(String... command) {
      try {
        process =
            new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public OutputStream stdin() {
      return process.getOutputStream();
    }

    @Override
    public CompletionStage<Void> completion() {
      return exit(process);
    }

    @Override
    public void kill() {
      process.destroyForcibly();
    }
  }

  private static CompletionStage<Void> exit(Process process) {
    return process
        .onExit()
        .thenAccept(
            p -> {
              if (p.exitValue() != 0) {
                throw new IllegalStateException("exit " + p.exitValue());
              }
            });
  }

  /** The alternative: Pekko Streams Tcp with its TLS stage, mutual TLS 1.3, 256 KiB elements. */
  private static void pekkoTlsStage() throws Exception {
    CompletableFuture<Long> received = new CompletableFuture<>();
    AtomicLong count = new AtomicLong();
    Sink<ByteString, ?> counter =
        Sink.foreach(
            bytes -> {
              if (count.addAndGet(bytes.size()) >= TOTAL) {
                received.complete(count.get());
              }
            });
    var binding =
        Tcp.get(system)
            .bindWithTls(
                "127.0.0.1",
                0,
                () -> engine(server, false),
                100,
                List.of(),
                Optional.empty(),
                session -> Optional.empty(),
                TLSClosing.eagerClose())
            .to(
                Sink.foreach(
                    connection ->
                        connection.handleWith(
                            Flow.fromSinkAndSource(counter, Source.maybe()), system)))
            .run(system)
            .toCompletableFuture()
            .join();
    try {
      List<ByteString> chunks = new ArrayList<>();
      for (int off = 0; off < DATA.length; off += CHUNK) {
        chunks.add(ByteString.fromArray(DATA, off, CHUNK));
      }
      Source.cycle(chunks::iterator)
          .take(TOTAL / CHUNK)
          .concat(Source.maybe())
          .via(
              Tcp.get(system)
                  .outgoingConnectionWithTls(
                      new InetSocketAddress("127.0.0.1", binding.localAddress().getPort()),
                      () -> engine(client, true)))
          .takeUntil(x -> received.isDone())
          .runWith(Sink.ignore(), system);
      received.join();
    } finally {
      binding.unbind().toCompletableFuture().join();
    }
  }

  private static SSLEngine engine(SSLContext context, boolean clientMode) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(clientMode);
    engine.setEnabledProtocols(new String[] {TlsContexts.PROTOCOL});
    if (!clientMode) {
      engine.setNeedClientAuth(true);
    }
    return engine;
  }

  /** A send that serves the random buffer until {@code total} bytes, without generating cost. */
  private static final class Generate implements SendProcess {
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final long total;
    private long position;

    Generate(long total) {
      this.total = total;
    }

    private final InputStream stdout =
        new InputStream() {
          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (position >= total) {
              done.complete(null);
              return -1;
            }
            int start = (int) (position % DATA.length);
            int n = (int) Math.min(Math.min(len, DATA.length - start), total - position);
            System.arraycopy(DATA, start, b, off, n);
            position += n;
            return n;
          }
        };

    @Override
    public InputStream stdout() {
      return stdout;
    }

    @Override
    public CompletionStage<Void> completion() {
      return done;
    }

    @Override
    public void kill() {
      done.completeExceptionally(new IllegalStateException("killed"));
    }
  }

  /** A receive that counts and discards. */
  private static final class Discard implements ReceiveProcess {
    final AtomicLong count = new AtomicLong();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final OutputStream stdin =
        new OutputStream() {
          @Override
          public void write(int b) {
            count.incrementAndGet();
          }

          @Override
          public void write(byte[] b, int off, int len) {
            count.addAndGet(len);
          }

          @Override
          public void close() {
            done.complete(null);
          }
        };

    @Override
    public OutputStream stdin() {
      return stdin;
    }

    @Override
    public CompletionStage<Void> completion() {
      return done;
    }

    @Override
    public void kill() {
      done.completeExceptionally(new IllegalStateException("killed"));
    }
  }
}
