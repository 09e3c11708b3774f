package org.zfleet.node.dataplane;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.node.tls.TlsContexts;

/**
 * The receiving end of the node-to-node data plane: a TLS 1.3 server socket that requires a client
 * certificate from the cluster CA, authorizes each request by the peer's identity and header, and
 * moves the stream into the receive the {@link ReceiveHook} starts. See {@link Frames} for the wire
 * format.
 */
public final class DataPlaneServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DataPlaneServer.class);

  private final ServerSocket serverSocket;
  private final SSLSocketFactory tls;
  private final DataPlaneSettings settings;
  private final Authorizer authorizer;
  private final ReceiveHook hook;
  private final Materializer materializer;
  private final Semaphore transfers;
  private final ThreadPoolExecutor pool;
  private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closed;

  private DataPlaneServer(
      ServerSocket serverSocket,
      SSLSocketFactory tls,
      DataPlaneSettings settings,
      Authorizer authorizer,
      ReceiveHook hook,
      Materializer materializer) {
    this.serverSocket = serverSocket;
    this.tls = tls;
    this.settings = settings;
    this.authorizer = authorizer;
    this.hook = hook;
    this.materializer = materializer;
    this.transfers = new Semaphore(settings.maxTransfers());
    AtomicInteger threads = new AtomicInteger();
    // Connections queue here only for their setup and their ending; the bytes move elsewhere.
    this.pool =
        new ThreadPoolExecutor(
            2,
            settings.maxTransfers() + 2,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64),
            r -> {
              Thread t = new Thread(r, "zfleet-dataplane-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.acceptor = new Thread(this::acceptLoop, "zfleet-dataplane-accept");
    this.acceptor.setDaemon(true);
  }

  /** Binds {@code settings.host():settings.port()} (port 0: any free port) and starts accepting. */
  public static DataPlaneServer start(
      DataPlaneSettings settings,
      SSLContext tls,
      Authorizer authorizer,
      ReceiveHook hook,
      ActorSystem<?> system)
      throws IOException {
    // Plain TCP underneath, TLS layered over each accepted connection: see CoalescingSocket.
    ServerSocket socket = new CoalescingSocket.Server();
    try {
      socket.bind(
          new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()), 50);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    DataPlaneServer server =
        new DataPlaneServer(
            socket,
            tls.getSocketFactory(),
            settings,
            authorizer,
            hook,
            Materializer.matFromSystem(system));
    server.acceptor.start();
    log.info("data plane: listening on {}", server.address());
    return server;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  public int port() {
    return serverSocket.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket plain;
      try {
        plain = serverSocket.accept();
      } catch (SocketException e) {
        if (!closed) {
          log.error("data plane: accepting failed: {}", e.getMessage());
        }
        return;
      } catch (IOException e) {
        log.warn("data plane: accepting a connection failed: {}", e.getMessage());
        continue;
      }
      SSLSocket socket;
      try {
        socket = (SSLSocket) tls.createSocket(plain, null, true);
        socket.setUseClientMode(false);
        socket.setNeedClientAuth(true);
        socket.setEnabledProtocols(new String[] {TlsContexts.PROTOCOL});
      } catch (IOException e) {
        log.warn(
            "data plane: cannot set up TLS on a connection from {}: {}",
            plain.getRemoteSocketAddress(),
            e.getMessage());
        OutgoingStream.closeQuietly(plain);
        continue;
      }
      ServerConnection[] self = new ServerConnection[1];
      self[0] =
          new ServerConnection(
              socket,
              settings,
              authorizer,
              hook,
              transfers,
              materializer,
              pool,
              () -> connections.remove(self[0]));
      connections.add(self[0]);
      try {
        pool.execute(self[0]::run);
      } catch (RejectedExecutionException e) {
        log.warn(
            "data plane: too many connections waiting; dropped {}",
            socket.getRemoteSocketAddress());
        self[0].abort();
      }
    }
  }

  /**
   * Stops accepting, cancels running transfers (their receives are killed) and closes connections.
   */
  @Override
  public void close() {
    closed = true;
    try {
      serverSocket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (ServerConnection connection : connections) {
      connection.abort();
    }
    pool.shutdown();
  }
}
