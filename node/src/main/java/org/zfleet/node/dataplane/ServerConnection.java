package org.zfleet.node.dataplane;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.job.Durations;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.node.tls.TlsContexts;
import org.zfleet.transfer.ByteTransfer;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.transfer.TransferResult;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.ZfsException;

/**
 * One accepted data-plane connection: handshake, header, authorization, receive, reply. Runs its
 * setup and its ending on the server's connection pool; the bytes move on Pekko's blocking-IO
 * dispatcher.
 */
final class ServerConnection {

  private static final Logger log = LoggerFactory.getLogger(DataPlaneServer.class);

  private final SSLSocket socket;
  private final SocketAddress remote;
  private final DataPlaneSettings settings;
  private final Authorizer authorizer;
  private final ReceiveHook hook;
  private final Semaphore transfers;
  private final Materializer materializer;
  private final Executor pool;
  private final Runnable onClose;
  private volatile RunningTransfer transfer;

  ServerConnection(
      SSLSocket socket,
      DataPlaneSettings settings,
      Authorizer authorizer,
      ReceiveHook hook,
      Semaphore transfers,
      Materializer materializer,
      Executor pool,
      Runnable onClose) {
    this.socket = socket;
    this.remote = socket.getRemoteSocketAddress();
    this.settings = settings;
    this.authorizer = authorizer;
    this.hook = hook;
    this.transfers = transfers;
    this.materializer = materializer;
    this.pool = pool;
    this.onClose = onClose;
  }

  void run() {
    NodeIdentity peer;
    TransferHeader header;
    try {
      socket.setSoTimeout((int) settings.setupTimeout().toMillis());
      socket.startHandshake();
      peer = TlsContexts.peerIdentity(socket.getSession());
    } catch (IOException e) {
      log.info("data plane: TLS handshake from {} failed: {}", remote, e.getMessage());
      close();
      return;
    }
    try {
      header = Frames.readHeader(socket.getInputStream());
    } catch (ProtocolException e) {
      log.warn("data plane: refused peer={} from={}: {}", peer, remote, e.getMessage());
      refuse(e.getMessage());
      return;
    } catch (IOException e) {
      log.info(
          "data plane: peer={} from={} left before its header: {}", peer, remote, e.getMessage());
      close();
      return;
    }
    Authorization decision;
    try {
      decision = authorizer.authorize(peer, header);
    } catch (RuntimeException e) {
      decision = Authorization.refused("authorization failed: " + e.getMessage());
    }
    if (decision instanceof Authorization.Refused refused) {
      log.warn(
          "data plane: refused peer={} job={} target={}: {}",
          peer,
          header.job(),
          header.target(),
          refused.reason());
      refuse(refused.reason());
      return;
    }
    if (!transfers.tryAcquire()) {
      log.warn("data plane: refused peer={} target={}: busy", peer, header.target());
      refuse("busy: " + settings.maxTransfers() + " transfers are running; try again later");
      return;
    }
    start(peer, header);
  }

  private void start(NodeIdentity peer, TransferHeader header) {
    ReceiveProcess receive;
    try {
      receive = hook.open(peer, header);
    } catch (RuntimeException e) {
      transfers.release();
      String stderr = e instanceof ZfsException z ? z.stderr() : "";
      log.warn(
          "data plane: receive into {} for peer={} did not start: {}",
          header.target(),
          peer,
          e.getMessage());
      replyQuietly(new Reply.Failed(0, "receive did not start: " + e.getMessage(), stderr));
      drainAndClose();
      return;
    }
    IncomingStream incoming;
    try {
      socket.setSoTimeout((int) settings.idleTimeout().toMillis());
      incoming = new IncomingStream(socket.getInputStream(), peer);
      Frames.writeReply(socket.getOutputStream(), new Reply.Ready());
    } catch (IOException e) {
      transfers.release();
      receive.kill();
      log.info("data plane: peer={} left before the stream: {}", peer, e.getMessage());
      close();
      return;
    }
    RunningTransfer running =
        ByteTransfer.start(
            incoming,
            receive,
            settings.transferOptions(),
            hook.progress(peer, header),
            materializer);
    transfer = running;
    hook.started(peer, header, running);
    CompletableFuture<Void> streamEnded = incoming.completion().toCompletableFuture();
    Cancellable watch = watchProgress(running, streamEnded, peer, header);
    running
        .result()
        .whenCompleteAsync(
            (result, error) -> {
              watch.cancel();
              finish(peer, header, result, error);
            },
            pool);
  }

  /**
   * Stops a transfer whose bytes have not moved for the idle timeout. The socket's read timeout
   * covers a sender that goes quiet, but not a receive that stops taking bytes: then nothing reads
   * the connection, and a sender that died meanwhile would go unnoticed. Once the whole stream is
   * in, the receive may take its time to finish: that is not watched.
   */
  private Cancellable watchProgress(
      RunningTransfer running,
      CompletableFuture<Void> streamEnded,
      NodeIdentity peer,
      TransferHeader header) {
    long idle = settings.idleTimeout().toNanos();
    Duration every =
        Duration.ofMillis(Math.max(100, Math.min(30_000, settings.idleTimeout().toMillis() / 10)));
    long[] last = {running.bytesSoFar(), System.nanoTime()};
    Runnable check =
        () -> {
          long bytes = running.bytesSoFar();
          long now = System.nanoTime();
          if (streamEnded.isDone()) {
            return;
          }
          if (bytes != last[0]) {
            last[0] = bytes;
            last[1] = now;
          } else if (now - last[1] >= idle) {
            log.warn(
                "data plane: no bytes moved for {} from peer={} into {}; stopping the receive",
                Durations.human(settings.idleTimeout()),
                peer,
                header.target());
            running.cancel();
          }
        };
    var system = materializer.system();
    return system.scheduler().scheduleWithFixedDelay(every, every, check, system.dispatcher());
  }

  private void finish(
      NodeIdentity peer, TransferHeader header, TransferResult result, Throwable error) {
    try {
      if (error == null) {
        log.info(
            "data plane: received {} bytes from peer={} job={} into {} in {} ms",
            result.bytes(),
            peer,
            header.job(),
            header.target(),
            result.duration().toMillis());
        replyQuietly(new Reply.Ack(result.bytes()));
        close();
      } else {
        Throwable cause =
            error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
        TransferFailedException failure =
            cause instanceof TransferFailedException f
                ? f
                : new TransferFailedException(
                    TransferFailedException.Reason.STREAM_FAILED,
                    String.valueOf(cause),
                    0,
                    "",
                    "",
                    cause);
        log.warn(
            "data plane: transfer from peer={} job={} into {} failed ({}): {}",
            peer,
            header.job(),
            header.target(),
            failure.reason(),
            failure.getMessage());
        replyQuietly(
            new Reply.Failed(failure.bytes(), failure.getMessage(), failure.receiveStderr()));
        drainAndClose();
      }
    } finally {
      transfers.release();
    }
  }

  /** Stops a running transfer and the connection (server shutdown). */
  void abort() {
    RunningTransfer running = transfer;
    if (running != null) {
      running.cancel();
    }
    close();
  }

  private void refuse(String reason) {
    replyQuietly(new Reply.Refused(reason));
    drainAndClose();
  }

  private void replyQuietly(Reply reply) {
    try {
      Frames.writeReply(socket.getOutputStream(), reply);
    } catch (IOException e) {
      log.debug("data plane: could not send {} to {}: {}", reply, remote, e.getMessage());
    }
  }

  /**
   * Reads and discards what the peer still sends until it closes or the drain timeout passes.
   * Closing with unread data would reset the connection, and the peer could lose the reply that
   * tells it why.
   */
  private void drainAndClose() {
    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
    try {
      socket.setSoTimeout((int) settings.drainTimeout().toMillis());
      InputStream in = socket.getInputStream();
      byte[] sink = new byte[64 * 1024];
      while (System.nanoTime() < deadline && in.read(sink) >= 0) {
        // discard
      }
    } catch (IOException e) {
      // the peer closed or reset: nothing more to drain
    } finally {
      close();
    }
  }

  private void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to do with this connection
    } finally {
      onClose.run();
    }
  }
}
