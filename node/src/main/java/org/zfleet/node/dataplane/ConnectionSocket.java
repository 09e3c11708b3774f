package org.zfleet.node.dataplane;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets of one accepted connection, TCP underneath and TLS over it: replies that may not
 * arrive, the drain that lets a refusal arrive, and closing.
 */
final class ConnectionSocket {

  private static final Logger log = LoggerFactory.getLogger(DataPlaneServer.class);

  private final Socket plain;
  private final InetAddress from;
  private final SSLSocket tls;
  private final Duration drainTimeout;

  ConnectionSocket(Socket plain, SSLSocket tls, Duration drainTimeout) {
    this.plain = plain;
    this.from = plain.getInetAddress();
    this.tls = tls;
    this.drainTimeout = drainTimeout;
  }

  SSLSocket tls() {
    return tls;
  }

  InetAddress from() {
    return from;
  }

  /** The peer's address and port, for logs. */
  String where() {
    return from.getHostAddress() + ":" + plain.getPort();
  }

  /** Replies with a refusal, then drains what the peer still sends so that it reads the reason. */
  void refuse(String reason) {
    replyQuietly(new Reply.Refused(reason));
    drain();
  }

  void replyQuietly(Reply reply) {
    try {
      Frames.writeReply(tls.getOutputStream(), reply);
    } catch (IOException e) {
      log.debug("data plane: could not send {} to {}: {}", reply, where(), e.getMessage());
    }
  }

  /**
   * Reads and discards what the peer still sends until it closes or the drain timeout passes.
   * Closing with unread data would reset the connection, and the peer could lose the reply that
   * tells it why.
   */
  void drain() {
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    try {
      tls.setSoTimeout((int) drainTimeout.toMillis());
      InputStream in = tls.getInputStream();
      byte[] sink = new byte[64 * 1024];
      while (System.nanoTime() < deadline && in.read(sink) >= 0) {
        // discard
      }
    } catch (IOException e) {
      // the peer closed or reset: nothing more to drain
    }
  }

  /** Closes the TCP socket first: that ends a read under way without waiting for TLS. */
  void abort() {
    OutgoingStream.closeQuietly(plain);
    OutgoingStream.closeQuietly(tls);
  }

  void close() {
    OutgoingStream.closeQuietly(tls);
    OutgoingStream.closeQuietly(plain);
  }
}
