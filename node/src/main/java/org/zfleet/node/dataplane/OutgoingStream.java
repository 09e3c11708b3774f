package org.zfleet.node.dataplane;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.ZfsException;

/**
 * The sending node's view of the remote receive, as a {@link ReceiveProcess}: its stdin frames the
 * stream onto the connection, it "exits successfully" when the peer acknowledges exactly the bytes
 * sent, and fails with the peer's error (and its receive's stderr) otherwise. Killing it closes the
 * connection, which the peer sees as a truncated stream.
 */
final class OutgoingStream implements ReceiveProcess {

  private final Socket socket;
  private final CoalescingSocket transport;
  private final NodeIdentity peer;
  private final FrameOutputStream frames;
  private final CompletableFuture<Void> completion = new CompletableFuture<>();
  private volatile boolean endSent;
  private volatile boolean killed;

  /**
   * @param socket the TLS connection the stream is written to and the reply read from
   * @param transport the TCP socket under it, whose output is corked around each frame
   */
  OutgoingStream(
      Socket socket,
      CoalescingSocket transport,
      NodeIdentity peer,
      int maxChunk,
      Executor readerExecutor)
      throws IOException {
    this.socket = socket;
    this.transport = transport;
    this.peer = peer;
    this.frames =
        new FrameOutputStream(
            socket.getOutputStream(), transport.getOutputStream(), maxChunk, () -> endSent = true);
    readerExecutor.execute(this::awaitReply);
  }

  @Override
  public OutputStream stdin() {
    return frames;
  }

  @Override
  public CompletionStage<Void> completion() {
    return completion;
  }

  @Override
  public void kill() {
    killed = true;
    completion.completeExceptionally(
        new ZfsException.StreamFailed(
            "the stream to node " + peer + " was stopped", List.of(), ""));
    abort();
  }

  /**
   * Closes the TCP socket first: a writer blocked on a full connection holds the cork's lock, and
   * the TLS socket's own close would wait for that lock to send its close_notify.
   */
  private void abort() {
    closeQuietly(transport);
    closeQuietly(socket);
  }

  /** The peer's reply arrives at the end, or early if its receive failed. */
  private void awaitReply() {
    try {
      Reply reply = Frames.readReply(socket.getInputStream());
      if (reply instanceof Reply.Ack ack) {
        if (!endSent) {
          fail("node " + peer + " acknowledged before the end of the stream", "");
        } else if (ack.bytes() != frames.bytes()) {
          fail(
              "node " + peer + " received " + ack.bytes() + " bytes of " + frames.bytes() + " sent",
              "");
        } else {
          completion.complete(null);
        }
      } else if (reply instanceof Reply.Failed failed) {
        fail("node " + peer + ": " + failed.message(), failed.stderr());
      } else if (reply instanceof Reply.Refused refused) {
        fail("node " + peer + " refused the stream: " + refused.reason(), "");
      } else {
        fail("node " + peer + " sent an unexpected " + reply, "");
      }
    } catch (IOException e) {
      if (!killed) {
        fail("connection to node " + peer + " lost: " + e.getMessage(), "");
      }
    } finally {
      if (completion.isCompletedExceptionally()) {
        abort();
      }
    }
  }

  private void fail(String message, String stderr) {
    completion.completeExceptionally(new ZfsException.StreamFailed(message, List.of(), stderr));
  }

  static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing is all that is left to do
    }
  }
}
