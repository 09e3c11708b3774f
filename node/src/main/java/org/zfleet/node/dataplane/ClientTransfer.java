package org.zfleet.node.dataplane;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.stream.Materializer;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.node.tls.TlsContexts;
import org.zfleet.transfer.ByteTransfer;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.transfer.TransferFailedException.Reason;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.TransferResult;
import org.zfleet.zfs.SendProcess;

/**
 * One outgoing transfer: connect, check the peer's identity, send the header, wait for the peer to
 * accept, then run a {@link ByteTransfer} from the local send into the connection.
 */
final class ClientTransfer implements RunningTransfer {

  private final SSLContext tls;
  private final PeerAddress peer;
  private final TransferHeader header;
  private final SendProcess send;
  private final TransferOptions options;
  private final ProgressListener listener;
  private final Materializer materializer;
  private final Executor executor;
  private final Duration connectTimeout;
  private final Duration setupTimeout;
  private final CompletableFuture<TransferResult> result = new CompletableFuture<>();

  /** The TCP connection under {@link #socket}, closed first on every abort (see OutgoingStream). */
  private CoalescingSocket transport;

  private Socket socket;
  private RunningTransfer inner;
  private boolean cancelled;

  ClientTransfer(
      SSLContext tls,
      PeerAddress peer,
      TransferHeader header,
      SendProcess send,
      TransferOptions options,
      ProgressListener listener,
      Materializer materializer,
      Executor executor,
      Duration connectTimeout,
      Duration setupTimeout) {
    this.tls = tls;
    this.peer = peer;
    this.header = header;
    this.send = send;
    this.options = options;
    this.listener = listener;
    this.materializer = materializer;
    this.executor = executor;
    this.connectTimeout = connectTimeout;
    this.setupTimeout = setupTimeout;
  }

  void connect() {
    SSLSocket connection;
    try {
      CoalescingSocket plain = new CoalescingSocket();
      synchronized (this) {
        if (cancelled) {
          plain.close();
          return;
        }
        transport = plain;
        socket = plain;
      }
      plain.connect(
          new InetSocketAddress(peer.host(), peer.port()), (int) connectTimeout.toMillis());
      plain.setSoTimeout((int) setupTimeout.toMillis());
      connection =
          (SSLSocket) tls.getSocketFactory().createSocket(plain, peer.host(), peer.port(), true);
      synchronized (this) {
        if (cancelled) {
          connection.close();
          return;
        }
        socket = connection;
      }
      connection.setEnabledProtocols(new String[] {TlsContexts.PROTOCOL});
      connection.startHandshake();
    } catch (IOException e) {
      fail(
          Reason.STREAM_FAILED,
          "cannot connect to node " + peer.identity() + " at " + where() + ": " + e.getMessage(),
          "",
          e);
      return;
    }
    Reply reply;
    try {
      NodeIdentity presented = TlsContexts.peerIdentity(connection.getSession());
      if (!presented.equals(peer.identity())) {
        fail(
            Reason.REFUSED,
            where() + " presented itself as node " + presented + ", not " + peer.identity(),
            "",
            null);
        return;
      }
      Frames.writeHeader(connection.getOutputStream(), header);
      connection.getOutputStream().flush();
      reply = Frames.readReply(connection.getInputStream());
    } catch (IOException e) {
      // Under TLS 1.3 a refused client certificate shows up here, after the handshake.
      fail(
          Reason.STREAM_FAILED,
          "node " + peer.identity() + " at " + where() + " broke off: " + e.getMessage(),
          "",
          e);
      return;
    }
    if (reply instanceof Reply.Refused refused) {
      fail(
          Reason.REFUSED,
          "node " + peer.identity() + " refused the transfer: " + refused.reason(),
          "",
          null);
    } else if (reply instanceof Reply.Failed failed) {
      fail(
          Reason.RECEIVE_FAILED,
          "node " + peer.identity() + ": " + failed.message(),
          failed.stderr(),
          null);
    } else if (!(reply instanceof Reply.Ready)) {
      fail(
          Reason.STREAM_FAILED,
          "node " + peer.identity() + " answered " + reply + " before the stream",
          "",
          null);
    } else {
      stream(connection);
    }
  }

  private void stream(SSLSocket connection) {
    RunningTransfer running;
    try {
      connection.setSoTimeout(0);
      OutgoingStream outgoing =
          new OutgoingStream(connection, transport, peer.identity(), options.chunkSize(), executor);
      synchronized (this) {
        if (cancelled) {
          outgoing.kill();
          return;
        }
        running = ByteTransfer.start(send, outgoing, options, listener, materializer);
        inner = running;
      }
    } catch (IOException e) {
      fail(
          Reason.STREAM_FAILED,
          "connection to node " + peer.identity() + " lost: " + e.getMessage(),
          "",
          e);
      return;
    }
    running
        .result()
        .whenComplete(
            (r, e) -> {
              OutgoingStream.closeQuietly(connection);
              if (e == null) {
                result.complete(r);
              } else {
                result.completeExceptionally(e);
              }
            });
  }

  private String where() {
    return peer.host() + ":" + peer.port();
  }

  private void fail(Reason reason, String message, String receiveStderr, Throwable cause) {
    send.kill();
    closeSocket();
    result.completeExceptionally(
        new TransferFailedException(reason, message, 0, "", receiveStderr, cause));
  }

  private synchronized void closeSocket() {
    if (transport != null) {
      OutgoingStream.closeQuietly(transport);
    }
    if (socket != null) {
      OutgoingStream.closeQuietly(socket);
    }
  }

  @Override
  public CompletionStage<TransferResult> result() {
    return result;
  }

  @Override
  public synchronized long bytesSoFar() {
    return inner == null ? 0 : inner.bytesSoFar();
  }

  @Override
  public void cancel() {
    RunningTransfer running;
    synchronized (this) {
      if (cancelled || result.isDone()) {
        return;
      }
      cancelled = true;
      running = inner;
    }
    if (running != null) {
      running.cancel();
    } else {
      send.kill();
      closeSocket();
      result.completeExceptionally(
          new TransferFailedException(
              Reason.CANCELLED, "transfer cancelled before it started", 0, "", "", null));
    }
  }
}
