package org.zfleet.node.dataplane;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.crypto.AEADBadTagException;
import javax.net.ssl.SSLException;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.ZfsException;

/**
 * The receiving node's view of the connected sender, as a {@link SendProcess}: its stdout is the
 * deframed stream, it "exits successfully" at the end marker and fails when the connection ends or
 * breaks before it. Killing it stops reading; the connection itself is closed by its owner after
 * the reply.
 */
final class IncomingStream implements SendProcess, FrameInputStream.Listener {

  private final NodeIdentity peer;
  private final FrameInputStream frames;
  private final CompletableFuture<Void> completion = new CompletableFuture<>();

  IncomingStream(InputStream connection, NodeIdentity peer) {
    this.peer = peer;
    this.frames = new FrameInputStream(connection, this);
  }

  @Override
  public InputStream stdout() {
    return frames;
  }

  @Override
  public CompletionStage<Void> completion() {
    return completion;
  }

  @Override
  public void kill() {
    frames.stop();
    completion.completeExceptionally(
        new ZfsException.StreamFailed(
            "the stream from node " + peer + " was stopped", List.of(), ""));
  }

  @Override
  public void ended(long bytes) {
    completion.complete(null);
  }

  @Override
  public void failed(IOException error) {
    String how =
        tampered(error) ? " failed TLS's integrity check (changed in transit): " : " broke off: ";
    completion.completeExceptionally(
        new ZfsException.StreamFailed(
            "the stream from node " + peer + how + error.getMessage(), List.of(), ""));
  }

  /**
   * A TLS record whose authentication tag does not match: the bytes were changed between the nodes
   * (a faulty link or device, or tampering), not by the sender, which only the message would
   * otherwise tell ("Tag mismatch!").
   */
  private static boolean tampered(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      if (e instanceof AEADBadTagException
          || (e instanceof SSLException
              && String.valueOf(e.getMessage())
                  .toLowerCase(Locale.ROOT)
                  .contains("bad_record_mac"))) {
        return true;
      }
    }
    return false;
  }
}
