package org.zfleet.node.dataplane;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.node.tls.TlsContexts;

/**
 * The node-to-node data plane's server: a TLS 1.3 port that requires a client certificate from the
 * cluster CA. On each connection the peer either sends one stream, which the {@link Authorizer}
 * admits by the peer's identity and header and the {@link ReceiveHook} receives (run by the {@link
 * TransferRunner}), or asks requests, which the {@link RequestHandler} answers for that identity,
 * one after another on the same connection. See {@link Frames} for the wire format.
 *
 * <p>Nothing a peer does before it is authenticated holds the server up: every connection has its
 * own thread, one deadline covers its handshake and opening frame however slowly the bytes come,
 * and connections in setup are bounded in all and per address, open connections in all and per
 * authenticated node; a connection over a bound is closed at once.
 */
public final class DataPlaneServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DataPlaneServer.class);

  /** What the server does with what its peers send. */
  public record Services(
      Authorizer authorizer,
      ReceiveHook hook,
      Optional<RequestHandler> requests,
      Optional<TransferRunner> runner) {
    public Services {
      Objects.requireNonNull(authorizer, "authorizer");
      Objects.requireNonNull(hook, "hook");
      Objects.requireNonNull(requests, "requests");
      Objects.requireNonNull(runner, "runner");
    }

    /** Streams only, run with the server's own permits. */
    public static Services streams(Authorizer authorizer, ReceiveHook hook) {
      return new Services(authorizer, hook, Optional.empty(), Optional.empty());
    }
  }

  private final ServerSocket serverSocket;
  private final SSLSocketFactory tls;
  private final DataPlaneSettings settings;
  private final Services services;
  private final TransferRunner runner;
  private final Materializer materializer;
  private final Semaphore transfers;
  private final ConnectionLimits limits;
  private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
  private final ExecutorService threads;
  private final ScheduledExecutorService deadlines;
  private final Thread acceptor;
  private final RefusalLog refusals = new RefusalLog();
  private final AtomicLong accepted = new AtomicLong();
  private volatile boolean closed;

  private DataPlaneServer(
      ServerSocket serverSocket,
      SSLSocketFactory tls,
      DataPlaneSettings settings,
      Services services,
      ActorSystem<?> system) {
    this.serverSocket = serverSocket;
    this.tls = tls;
    this.settings = settings;
    this.services = services;
    this.materializer = Materializer.matFromSystem(system);
    this.transfers = new Semaphore(settings.maxTransfers());
    this.limits = new ConnectionLimits(settings.limits());
    AtomicInteger count = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "zfleet-dataplane-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.deadlines =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "zfleet-dataplane-deadlines");
              t.setDaemon(true);
              return t;
            });
    this.runner =
        services
            .runner()
            .orElseGet(
                () ->
                    TransferRunner.permits(
                        transfers, system.dispatchers().lookup(DispatcherSelector.blocking())));
    this.acceptor = new Thread(this::acceptLoop, "zfleet-dataplane-accept");
    this.acceptor.setDaemon(true);
  }

  /** Binds {@code settings.host():settings.port()} (port 0: any free port), streams only. */
  public static DataPlaneServer start(
      DataPlaneSettings settings,
      SSLContext tls,
      Authorizer authorizer,
      ReceiveHook hook,
      ActorSystem<?> system)
      throws IOException {
    return start(settings, tls, Services.streams(authorizer, hook), system);
  }

  /** Binds {@code settings.host():settings.port()} (port 0: any free port) and starts accepting. */
  public static DataPlaneServer start(
      DataPlaneSettings settings, SSLContext tls, Services services, ActorSystem<?> system)
      throws IOException {
    // Plain TCP underneath, TLS layered over each accepted connection: see CoalescingSocket.
    ServerSocket socket = new CoalescingSocket.Server();
    try {
      socket.bind(
          new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()), 128);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    DataPlaneServer server =
        new DataPlaneServer(socket, tls.getSocketFactory(), settings, services, system);
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

  /** Connections open now, in setup or past it. */
  public int openConnections() {
    return connections.size();
  }

  /** Connections accepted since the start, refused ones included. */
  public long acceptedConnections() {
    return accepted.get();
  }

  /** Connections whose handshake or opening frame is under way. */
  public int connectionsInSetup() {
    return limits.inSetup();
  }

  /** Transfer permits free (of the server's own; a daemon's runner uses the node's gate). */
  public int freeTransferPermits() {
    return transfers.availablePermits();
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
      admit(plain);
    }
  }

  /** Closes the connection at once if it is over a bound; otherwise hands it to its thread. */
  private void admit(Socket plain) {
    accepted.incrementAndGet();
    InetAddress from = plain.getInetAddress();
    Optional<String> over = limits.admit(from, connections.size());
    if (over.isPresent()) {
      refusals.refused(from, over.get());
      OutgoingStream.closeQuietly(plain);
      return;
    }
    ServerConnection connection;
    try {
      SSLSocket socket = (SSLSocket) tls.createSocket(plain, null, true);
      socket.setUseClientMode(false);
      socket.setNeedClientAuth(true);
      socket.setEnabledProtocols(new String[] {TlsContexts.PROTOCOL});
      connection =
          new ServerConnection(new ConnectionSocket(plain, socket, settings.drainTimeout()), this);
    } catch (IOException | RuntimeException e) {
      log.warn("data plane: cannot set up TLS on a connection from {}: {}", from, e.getMessage());
      limits.endSetup(from);
      OutgoingStream.closeQuietly(plain);
      return;
    }
    connections.add(connection);
    try {
      threads.execute(connection::run);
    } catch (RuntimeException e) {
      // only at shutdown: the pool makes a thread for every task
      connection.abort();
    }
  }

  ConnectionLimits limits() {
    return limits;
  }

  void forget(ServerConnection connection) {
    connections.remove(connection);
  }

  DataPlaneSettings settings() {
    return settings;
  }

  Services services() {
    return services;
  }

  TransferRunner runner() {
    return runner;
  }

  Materializer materializer() {
    return materializer;
  }

  ScheduledExecutorService deadlines() {
    return deadlines;
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
    threads.shutdown();
    deadlines.shutdownNow();
  }
}
