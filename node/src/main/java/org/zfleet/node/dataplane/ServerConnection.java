package org.zfleet.node.dataplane;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.job.Durations;
import org.zfleet.job.StepResult;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.node.tls.TlsContexts;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.zfs.ZfsException;

/**
 * One accepted data-plane connection, on its own thread: handshake and opening frame under one
 * deadline, then either one stream (authorized, received by the runner, acknowledged) or requests
 * answered one after another.
 */
final class ServerConnection {

  private static final Logger log = LoggerFactory.getLogger(DataPlaneServer.class);

  private final ConnectionSocket connection;
  private final SSLSocket socket;
  private final DataPlaneServer server;
  private final DataPlaneSettings settings;
  private final AtomicBoolean setupEnded = new AtomicBoolean();
  private volatile boolean expired;
  private volatile TransferRunner.Running running;

  ServerConnection(ConnectionSocket connection, DataPlaneServer server) {
    this.connection = connection;
    this.socket = connection.tls();
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
        connection.refuse(e.getMessage());
        return;
      } catch (IOException e) {
        log.info("data plane: peer={} from={} left before its request: {}", peer, where(), why(e));
        return;
      }
      deadline.cancel(false);
      endSetup();
      if (!server.limits().openFor(peer)) {
        log.warn("data plane: refused peer={} from={}: too many connections", peer, where());
        connection.refuse(
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
        server.limits().closedFor(peer);
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
    connection.abort();
  }

  private void endSetup() {
    if (setupEnded.compareAndSet(false, true)) {
      server.limits().endSetup(connection.from());
    }
  }

  private String why(IOException e) {
    return expired
        ? "no handshake and request within " + Durations.human(settings.setupTimeout())
        : e.getMessage();
  }

  private String where() {
    return connection.where();
  }

  // ---- requests

  private void requests(NodeIdentity peer, Frames.Request first) {
    RequestHandler handler = server.services().requests().orElse(null);
    Frames.Opening next = first;
    while (true) {
      if (!(next instanceof Frames.Request request)) {
        connection.refuse("a stream on a connection that asked requests");
        return;
      }
      if (handler == null) {
        connection.refuse("this node answers no requests");
        return;
      }
      byte[] answer;
      try {
        answer = handler.answer(peer, request.body());
      } catch (RuntimeException e) {
        log.error("data plane: answering peer={} failed", peer, e);
        connection.refuse("the request failed on this node: " + e);
        return;
      }
      try {
        Frames.writeAnswer(socket.getOutputStream(), answer);
        socket.setSoTimeout((int) settings.requestIdleTimeout().toMillis());
        next = Frames.readOpening(socket.getInputStream());
      } catch (ProtocolException e) {
        log.warn("data plane: refused peer={} from={}: {}", peer, where(), e.getMessage());
        connection.refuse(e.getMessage());
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
      connection.refuse(refused.reason());
      return;
    }
    TransferRunner.Running run =
        server
            .runner()
            .run(
                peer,
                header,
                new StreamReceive(
                    socket,
                    peer,
                    header,
                    settings,
                    server.services().hook(),
                    server.materializer()));
    running = run;
    try {
      run.started()
          .toCompletableFuture()
          .get(settings.setupTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      run.cancel("no transfer slot free");
      log.warn("data plane: refused peer={} target={}: busy", peer, header.target());
      connection.refuse("busy: every transfer slot of this node is taken; try again later");
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
    connection.replyQuietly(new Reply.Ack(result.bytes()));
  }

  private void failed(NodeIdentity peer, TransferHeader header, Throwable error) {
    Throwable cause =
        error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause()
            : error;
    if (cause instanceof StreamReceive.DidNotStart notStarted) {
      String stderr = notStarted.getCause() instanceof ZfsException z ? z.stderr() : "";
      log.warn(
          "data plane: receive into {} for peer={} did not start: {}",
          header.target(),
          peer,
          cause.getMessage());
      connection.replyQuietly(
          new Reply.Failed(0, "receive did not start: " + cause.getMessage(), stderr));
      connection.drain();
      return;
    }
    TransferFailedException failure = StreamReceive.asTransferFailure(cause);
    log.warn(
        "data plane: transfer from peer={} job={} into {} failed ({}): {}",
        peer,
        header.job(),
        header.target(),
        failure.reason(),
        failure.getMessage());
    connection.replyQuietly(
        new Reply.Failed(failure.bytes(), failure.getMessage(), failure.receiveStderr()));
    connection.drain();
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

  private void close() {
    connection.close();
    server.forget(this);
  }
}
