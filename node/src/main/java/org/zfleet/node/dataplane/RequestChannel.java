package org.zfleet.node.dataplane;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.node.tls.TlsContexts;

/**
 * Asks requests of other nodes' data planes over mutual TLS, keeping connections for the next
 * request: a job's thousand filesystems cost a handful of handshakes per cycle, not a thousand.
 * Every new connection must present the certificate of the node asked for; a kept one did when it
 * was made.
 */
public final class RequestChannel implements AutoCloseable {

  private final SSLContext tls;
  private final Duration connectTimeout;
  private final int keepPerPeer;
  private final Duration keepFor;
  private final Map<PeerAddress, Deque<Kept>> idle = new HashMap<>();
  private boolean closed;

  private record Kept(Connection connection, long since) {}

  /**
   * @param keepPerPeer idle connections kept per peer
   * @param keepFor how long an idle connection is kept (shorter than the servers' request idle
   *     timeout, so a kept connection is still open when used)
   */
  public RequestChannel(
      SSLContext tls, Duration connectTimeout, int keepPerPeer, Duration keepFor) {
    this.tls = tls;
    this.connectTimeout = connectTimeout;
    this.keepPerPeer = keepPerPeer;
    this.keepFor = keepFor;
  }

  /** Connect within 10 s; keep 8 connections per peer for 60 s. */
  public RequestChannel(SSLContext tls) {
    this(tls, Duration.ofSeconds(10), 8, Duration.ofSeconds(60));
  }

  /**
   * Sends {@code request} to {@code peer} and returns its answer, waiting at most {@code timeout}
   * for it. A request that finds a kept connection closed by the peer is sent once more on a new
   * one; any other failure is an IOException saying what happened.
   */
  public byte[] call(PeerAddress peer, byte[] request, Duration timeout) throws IOException {
    Connection kept = take(peer);
    if (kept != null) {
      try {
        return ask(kept, peer, request, timeout);
      } catch (StaleConnection e) {
        // the peer closed it while it was kept; the request never reached it
      }
    }
    try {
      return ask(open(peer), peer, request, timeout);
    } catch (StaleConnection e) {
      throw new IOException(
          "node " + peer.identity() + " closed the connection: " + e.getMessage());
    }
  }

  /** Like {@link #call}, always on a new connection that is closed afterwards (long requests). */
  public byte[] callOnce(PeerAddress peer, byte[] request, Duration timeout) throws IOException {
    Connection connection = open(peer);
    try {
      connection.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      Frames.writeRequest(connection.socket.getOutputStream(), request);
      return Frames.readAnswer(connection.socket.getInputStream());
    } finally {
      connection.close();
    }
  }

  private byte[] ask(Connection connection, PeerAddress peer, byte[] request, Duration timeout)
      throws IOException {
    boolean sent = false;
    try {
      connection.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      Frames.writeRequest(connection.socket.getOutputStream(), request);
      sent = true;
      byte[] answer = Frames.readAnswer(connection.socket.getInputStream());
      give(peer, connection);
      return answer;
    } catch (SocketTimeoutException e) {
      connection.close();
      throw new IOException(
          "node " + peer.identity() + " did not answer within " + timeout.toSeconds() + " s", e);
    } catch (ProtocolException e) {
      connection.close();
      throw e;
    } catch (IOException e) {
      connection.close();
      if (connection.reused && (!sent || e instanceof java.io.EOFException)) {
        throw new StaleConnection(e.getMessage());
      }
      throw new IOException(
          "connection to node " + peer.identity() + " lost: " + e.getMessage(), e);
    }
  }

  private Connection open(PeerAddress peer) throws IOException {
    CoalescingSocket plain = new CoalescingSocket();
    SSLSocket socket;
    NodeIdentity presented;
    try {
      plain.connect(
          new InetSocketAddress(peer.host(), peer.port()), (int) connectTimeout.toMillis());
      plain.setSoTimeout((int) connectTimeout.toMillis());
      socket =
          (SSLSocket) tls.getSocketFactory().createSocket(plain, peer.host(), peer.port(), true);
      socket.setEnabledProtocols(new String[] {TlsContexts.PROTOCOL});
      socket.startHandshake();
      presented = TlsContexts.peerIdentity(socket.getSession());
    } catch (IOException e) {
      OutgoingStream.closeQuietly(plain);
      throw new IOException(
          "cannot connect to node "
              + peer.identity()
              + " at "
              + peer.host()
              + ":"
              + peer.port()
              + ": "
              + e.getMessage(),
          e);
    }
    Connection connection = new Connection(plain, socket);
    if (!presented.equals(peer.identity())) {
      connection.close();
      throw new IOException(
          peer.host()
              + ":"
              + peer.port()
              + " presented itself as node "
              + presented
              + ", not "
              + peer.identity());
    }
    return connection;
  }

  private synchronized Connection take(PeerAddress peer) {
    Deque<Kept> kept = idle.get(peer);
    long now = System.nanoTime();
    while (kept != null && !kept.isEmpty()) {
      Kept k = kept.pollFirst();
      if (now - k.since() < keepFor.toNanos()) {
        k.connection().reused = true;
        return k.connection();
      }
      k.connection().close();
    }
    return null;
  }

  private synchronized void give(PeerAddress peer, Connection connection) {
    Deque<Kept> kept = idle.computeIfAbsent(peer, p -> new ArrayDeque<>());
    if (closed || kept.size() >= keepPerPeer) {
      connection.close();
    } else {
      kept.addFirst(new Kept(connection, System.nanoTime()));
    }
  }

  /** Idle connections kept now, for tests. */
  synchronized int idleConnections() {
    return idle.values().stream().mapToInt(Deque::size).sum();
  }

  @Override
  public synchronized void close() {
    closed = true;
    idle.values().forEach(d -> d.forEach(k -> k.connection().close()));
    idle.clear();
  }

  private static final class Connection {
    final CoalescingSocket plain;
    final SSLSocket socket;
    volatile boolean reused;

    Connection(CoalescingSocket plain, SSLSocket socket) {
      this.plain = plain;
      this.socket = socket;
    }

    void close() {
      OutgoingStream.closeQuietly(plain);
      OutgoingStream.closeQuietly(socket);
    }
  }

  private static final class StaleConnection extends IOException {
    StaleConnection(String message) {
      super(message);
    }
  }
}
