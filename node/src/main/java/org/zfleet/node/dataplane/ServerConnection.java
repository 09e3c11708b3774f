package org.zfleet.node.dataplane;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.Cancellable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.job.Durations;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.node.tls.TlsContexts;
import org.zfleet.transfer.ByteTransfer;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.transfer.TransferProgress;
import org.zfleet.transfer.TransferResult;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.ZfsException;

/**
 * One accepted data-plane connection, on its own thread: handshake and opening frame under one
 * deadline, then either one stream (authorized, received by the runner, acknowledged) or requests
 * answered one after another.
 */
final class ServerConnection {

  private static final Logger log = LoggerFactory.getLogger(DataPlaneServer.class);

  private final Socket plain;
  private final SSLSocket socket;
  private final InetAddress from;
  private final DataPlaneServer server;
  private final DataPlaneSettings settings;
  private final AtomicBoolean setupEnded = new AtomicBoolean();
  private volatile boolean expired;
  private volatile TransferRunner.Running running;

  ServerConnection(Socket plain, SSLSocket socket, DataPlaneServer server) {
    this.plain = plain;
    this.socket = socket;
    this.from = plain.getInetAddress();
    this.server = server;
    this.settings = server.settings();
  }

  void run() {
    ScheduledFuture<?> deadline =
        server
            .deadlines()
            .schedule(this::expire, settings.setupTimeout().toMillis(), TimeUnit.MILLISECONDS);
    try {
      NodeIdentity peer;
      Frames.Opening opening;
      try {
        socket.setSoTimeout((int) settings.setupTimeout().toMillis());
        socket.startHandshake();
        peer = TlsContexts.peerIdentity(socket.getSession());
      } catch (IOException e) {
        log.info("data plane: TLS handshake from {} failed: {}", where(), why(e));
        return;
      }
      try {
        opening = Frames.readOpening(socket.getInputStream());
      } catch (ProtocolException e) {
        deadline.cancel(false);
        endSetup();
        log.warn("data plane: refused peer={} from={}: {}", peer, where(), e.getMessage());
        refuse(e.getMessage());
        return;
      } catch (IOException e) {
        log.info("data plane: peer={} from={} left before its request: {}", peer, where(), why(e));
        return;
      }
      deadline.cancel(false);
      endSetup();
      if (!server.openFor(peer)) {
        log.warn("data plane: refused peer={} from={}: too many connections", peer, where());
        refuse(
            "node "
                + peer
                + " has "
                + settings.limits().perNode()
                + " connections open here already");
        return;
      }
      try {
        if (opening instanceof Frames.Stream stream) {
          stream(peer, stream.header());
        } else {
          requests(peer, (Frames.Request) opening);
        }
      } finally {
        server.closedFor(peer);
      }
    } catch (RuntimeException e) {
      log.error("data plane: connection from {} failed", where(), e);
    } finally {
      deadline.cancel(false);
      endSetup();
      close();
    }
  }

  /** The setup deadline passed: the connection is closed, which ends whatever read waits. */
  private void expire() {
    expired = true;
    OutgoingStream.closeQuietly(plain);
    OutgoingStream.closeQuietly(socket);
  }

  private void endSetup() {
    if (setupEnded.compareAndSet(false, true)) {
      server.endSetup(from);
    }
  }

  private String why(IOException e) {
    return expired
        ? "no handshake and request within " + Durations.human(settings.setupTimeout())
        : e.getMessage();
  }

  private String where() {
    return from.getHostAddress() + ":" + plain.getPort();
  }

  // ---- requests

  private void requests(NodeIdentity peer, Frames.Request first) {
    RequestHandler handler = server.services().requests().orElse(null);
    Frames.Opening next = first;
    while (true) {
      if (!(next instanceof Frames.Request request)) {
        refuse("a stream on a connection that asked requests");
        return;
      }
      if (handler == null) {
        refuse("this node answers no requests");
        return;
      }
      byte[] answer;
      try {
        answer = handler.answer(peer, request.body());
      } catch (RuntimeException e) {
        log.error("data plane: answering peer={} failed", peer, e);
        refuse("the request failed on this node: " + e);
        return;
      }
      try {
        Frames.writeAnswer(socket.getOutputStream(), answer);
        socket.setSoTimeout((int) settings.requestIdleTimeout().toMillis());
        next = Frames.readOpening(socket.getInputStream());
      } catch (ProtocolException e) {
        log.warn("data plane: refused peer={} from={}: {}", peer, where(), e.getMessage());
        refuse(e.getMessage());
        return;
      } catch (EOFException | SocketTimeoutException e) {
        return; // the peer is done with the connection, or left it idle
      } catch (IOException e) {
        log.debug("data plane: request connection of peer={} ended: {}", peer, e.getMessage());
        return;
      }
    }
  }

  // ---- a stream

  private void stream(NodeIdentity peer, TransferHeader header) {
    Authorization decision;
    try {
      decision = server.services().authorizer().authorize(peer, header);
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
    TransferRunner.Running run = server.runner().run(peer, header, receive(peer, header));
    running = run;
    try {
      run.started()
          .toCompletableFuture()
          .get(settings.setupTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      run.cancel("no transfer slot free");
      log.warn("data plane: refused peer={} target={}: busy", peer, header.target());
      refuse("busy: every transfer slot of this node is taken; try again later");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      run.cancel("interrupted");
      return;
    }
    StepResult result;
    try {
      result = run.result().toCompletableFuture().get();
    } catch (ExecutionException e) {
      failed(peer, header, e.getCause());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      run.cancel("interrupted");
      return;
    }
    log.info(
        "data plane: received {} bytes from peer={} job={} into {}",
        result.bytes(),
        peer,
        header.job(),
        header.target());
    replyQuietly(new Reply.Ack(result.bytes()));
  }

  /** The receive, as the work the runner runs: it answers Ready once zfs receive runs. */
  private StepWork receive(NodeIdentity peer, TransferHeader header) {
    return control -> {
      control.progress().phase("starting the receive from " + peer);
      ReceiveProcess receive;
      try {
        receive = server.services().hook().open(peer, header);
      } catch (RuntimeException e) {
        throw new ReceiveDidNotStart(e);
      }
      IncomingStream incoming;
      try {
        socket.setSoTimeout((int) settings.idleTimeout().toMillis());
        incoming = new IncomingStream(socket.getInputStream(), peer);
        Frames.writeReply(socket.getOutputStream(), new Reply.Ready());
      } catch (IOException e) {
        receive.kill();
        throw e;
      }
      control.progress().phase("receiving from " + peer);
      var hookProgress = server.services().hook().progress(peer, header);
      long[] last = {0};
      RunningTransfer transfer =
          ByteTransfer.start(
              incoming,
              receive,
              settings.transferOptions(),
              (TransferProgress p) -> {
                control.progress().addBytes(p.bytes() - last[0]);
                last[0] = p.bytes();
                hookProgress.onProgress(p);
              },
              server.materializer());
      server.services().hook().started(peer, header, transfer);
      control.onCancel(transfer::cancel);
      Cancellable watch =
          watchProgress(transfer, incoming.completion().toCompletableFuture(), peer, header);
      try {
        TransferResult result = transfer.result().toCompletableFuture().get();
        return new StepResult(
            "received " + result.bytes() + " bytes from " + peer + " into " + header.target(),
            result.bytes());
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      } finally {
        watch.cancel();
      }
    };
  }

  /** A receive that could not even start (zfs refused the target, for instance). */
  private static final class ReceiveDidNotStart extends RuntimeException {
    ReceiveDidNotStart(RuntimeException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private void failed(NodeIdentity peer, TransferHeader header, Throwable error) {
    Throwable cause =
        error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause()
            : error;
    if (cause instanceof ReceiveDidNotStart notStarted) {
      String stderr = notStarted.getCause() instanceof ZfsException z ? z.stderr() : "";
      log.warn(
          "data plane: receive into {} for peer={} did not start: {}",
          header.target(),
          peer,
          cause.getMessage());
      replyQuietly(new Reply.Failed(0, "receive did not start: " + cause.getMessage(), stderr));
      drain();
      return;
    }
    TransferFailedException failure =
        cause instanceof TransferFailedException f
            ? f
            : new TransferFailedException(
                TransferFailedException.Reason.STREAM_FAILED,
                String.valueOf(cause.getMessage()),
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
    replyQuietly(new Reply.Failed(failure.bytes(), failure.getMessage(), failure.receiveStderr()));
    drain();
  }

  /**
   * Stops a transfer whose bytes have not moved for the idle timeout. The socket's read timeout
   * covers a sender that goes quiet, but not a receive that stops taking bytes: then nothing reads
   * the connection, and a sender that died meanwhile would go unnoticed. Once the whole stream is
   * in, the receive may take its time to finish: that is not watched.
   */
  private Cancellable watchProgress(
      RunningTransfer transfer,
      CompletableFuture<Void> streamEnded,
      NodeIdentity peer,
      TransferHeader header) {
    long idle = settings.idleTimeout().toNanos();
    Duration every =
        Duration.ofMillis(Math.max(100, Math.min(30_000, settings.idleTimeout().toMillis() / 10)));
    long[] last = {transfer.bytesSoFar(), System.nanoTime()};
    Runnable check =
        () -> {
          long bytes = transfer.bytesSoFar();
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
            transfer.cancel();
          }
        };
    var system = server.materializer().system();
    return system.scheduler().scheduleWithFixedDelay(every, every, check, system.dispatcher());
  }

  // ---- ending

  /** Stops a running transfer and the connection (server shutdown). */
  void abort() {
    TransferRunner.Running run = running;
    if (run != null) {
      run.cancel("the data plane is closing");
    }
    expire();
  }

  private void refuse(String reason) {
    replyQuietly(new Reply.Refused(reason));
    drain();
  }

  private void replyQuietly(Reply reply) {
    try {
      Frames.writeReply(socket.getOutputStream(), reply);
    } catch (IOException e) {
      log.debug("data plane: could not send {} to {}: {}", reply, where(), e.getMessage());
    }
  }

  /**
   * Reads and discards what the peer still sends until it closes or the drain timeout passes.
   * Closing with unread data would reset the connection, and the peer could lose the reply that
   * tells it why.
   */
  private void drain() {
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
    }
  }

  private void close() {
    OutgoingStream.closeQuietly(socket);
    OutgoingStream.closeQuietly(plain);
    server.forget(this);
  }
}
