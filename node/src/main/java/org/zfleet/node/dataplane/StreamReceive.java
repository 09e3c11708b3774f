package org.zfleet.node.dataplane;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.job.Durations;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.transfer.ByteTransfer;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.transfer.TransferProgress;
import org.zfleet.transfer.TransferResult;
import org.zfleet.zfs.ReceiveProcess;

/**
 * The receive of one admitted stream, as the work the {@link TransferRunner} runs: it opens the
 * receive through the {@link ReceiveHook}, answers Ready once zfs receive runs, then moves the
 * connection's bytes into it, stopping it if they stop moving for the idle timeout.
 */
final class StreamReceive implements StepWork {

  private static final Logger log = LoggerFactory.getLogger(DataPlaneServer.class);

  /** A receive that could not even start (zfs refused the target, for instance). */
  static final class DidNotStart extends RuntimeException {
    DidNotStart(RuntimeException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** A failure of the receive as the peer is told of it: a transfer failure, with its reason. */
  static TransferFailedException asTransferFailure(Throwable cause) {
    return cause instanceof TransferFailedException f
        ? f
        : new TransferFailedException(
            TransferFailedException.Reason.STREAM_FAILED,
            String.valueOf(cause.getMessage()),
            0,
            "",
            "",
            cause);
  }

  private final SSLSocket socket;
  private final NodeIdentity peer;
  private final TransferHeader header;
  private final DataPlaneSettings settings;
  private final ReceiveHook hook;
  private final Materializer materializer;

  StreamReceive(
      SSLSocket socket,
      NodeIdentity peer,
      TransferHeader header,
      DataPlaneSettings settings,
      ReceiveHook hook,
      Materializer materializer) {
    this.socket = socket;
    this.peer = peer;
    this.header = header;
    this.settings = settings;
    this.hook = hook;
    this.materializer = materializer;
  }

  @Override
  public StepResult run(StepControl control) throws Exception {
    control.progress().phase("starting the receive from " + peer);
    ReceiveProcess receive;
    try {
      receive = hook.open(peer, header);
    } catch (RuntimeException e) {
      throw new DidNotStart(e);
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
    var hookProgress = hook.progress(peer, header);
    long[] last = {0};
    RunningTransfer transfer =
        ByteTransfer.start(
            incoming,
            receive,
            hook.options(peer, header, settings.transferOptions()),
            (TransferProgress p) -> {
              control.progress().addBytes(p.bytes() - last[0]);
              last[0] = p.bytes();
              hookProgress.onProgress(p);
            },
            materializer);
    hook.started(peer, header, transfer);
    control.onCancel(transfer::cancel);
    Cancellable watch = watchProgress(transfer, incoming.completion().toCompletableFuture());
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
  }

  /**
   * Stops a transfer whose bytes have not moved for the idle timeout. The socket's read timeout
   * covers a sender that goes quiet, but not a receive that stops taking bytes: then nothing reads
   * the connection, and a sender that died meanwhile would go unnoticed. Once the whole stream is
   * in, the receive may take its time to finish: that is not watched.
   */
  private Cancellable watchProgress(RunningTransfer transfer, CompletableFuture<Void> streamEnded) {
    StallWatch stall =
        new StallWatch(settings.idleTimeout(), transfer.bytesSoFar(), System.nanoTime());
    Runnable check =
        () -> {
          long bytes = transfer.bytesSoFar();
          long now = System.nanoTime();
          if (streamEnded.isDone()) {
            return;
          }
          if (stall.stalled(bytes, now)) {
            log.warn(
                "data plane: no bytes moved for {} from peer={} into {}; stopping the receive",
                Durations.human(settings.idleTimeout()),
                peer,
                header.target());
            transfer.cancel();
          }
        };
    var every = StallWatch.checkEvery(settings.idleTimeout());
    var system = materializer.system();
    return system.scheduler().scheduleWithFixedDelay(every, every, check, system.dispatcher());
  }
}
