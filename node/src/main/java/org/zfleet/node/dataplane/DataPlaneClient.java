package org.zfleet.node.dataplane;

import java.time.Duration;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.Materializer;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.SendProcess;

/**
 * The sending end of the node-to-node data plane: streams a local send into a peer's {@link
 * DataPlaneServer} over mutual TLS and completes when the peer acknowledged every byte.
 */
public final class DataPlaneClient {

  private final SSLContext tls;
  private final Materializer materializer;
  private final Executor blocking;
  private final Duration connectTimeout;
  private final Duration setupTimeout;

  /** Connect within 10 s, handshake and acceptance within 30 s. */
  public DataPlaneClient(SSLContext tls, ActorSystem<?> system) {
    this(tls, system, Duration.ofSeconds(10), Duration.ofSeconds(30));
  }

  public DataPlaneClient(
      SSLContext tls, ActorSystem<?> system, Duration connectTimeout, Duration setupTimeout) {
    this.tls = tls;
    this.materializer = Materializer.matFromSystem(system);
    // Connecting and waiting for the reply block: they belong with the other blocking I/O.
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    this.connectTimeout = connectTimeout;
    this.setupTimeout = setupTimeout;
  }

  /**
   * Starts sending {@code send}'s stream to {@code peer}, which must present the certificate of
   * {@code peer.identity()}. The result fails with a {@link
   * org.zfleet.transfer.TransferFailedException}: {@code REFUSED} if the peer did not accept the
   * request, {@code RECEIVE_FAILED} with the peer's receive stderr if its receive failed, and so
   * on. On any failure {@code send} is killed.
   */
  public RunningTransfer send(
      PeerAddress peer,
      TransferHeader header,
      SendProcess send,
      TransferOptions options,
      ProgressListener listener) {
    ClientTransfer transfer =
        new ClientTransfer(
            tls,
            peer,
            header,
            send,
            options,
            listener,
            materializer,
            blocking,
            connectTimeout,
            setupTimeout);
    blocking.execute(transfer::connect);
    return transfer;
  }
}
