package org.zfleet.node.remote;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.transfer.TransferResult;

/**
 * A transfer this node started by asking a peer to send into a stream it expects (a pull step's, a
 * restore's): the bytes are counted as they arrive, and the peer's answer to the request ends it.
 */
final class AwaitedTransfer implements RunningTransfer {

  private final ExpectedStream expected;
  private final String description;
  private final CompletableFuture<TransferResult> result = new CompletableFuture<>();

  /** {@code description} names the transfer in a cancellation, e.g. "pull of pool/fs@s". */
  AwaitedTransfer(ExpectedStream expected, String description) {
    this.expected = expected;
    this.description = description;
  }

  /** The peer's answer to the send request, or why there is none, {@code elapsed} after it. */
  void answered(EndpointReply reply, Throwable error, String whom, String what, Duration elapsed) {
    if (error != null) {
      result.completeExceptionally(error.getCause() != null ? error.getCause() : error);
    } else if (reply instanceof EndpointReply.Sent sent) {
      result.complete(new TransferResult(sent.bytes(), elapsed));
    } else if (reply instanceof EndpointReply.Failed failed) {
      result.completeExceptionally(
          new TransferFailedException(
              TransferFailedException.Reason.STREAM_FAILED,
              whom + ": " + failed.message(),
              expected.bytesSoFar(),
              failed.stderr(),
              "",
              null));
    } else {
      result.completeExceptionally(EndpointClient.unexpected(reply, whom, what));
    }
  }

  @Override
  public CompletionStage<TransferResult> result() {
    return result;
  }

  @Override
  public long bytesSoFar() {
    return expected.bytesSoFar();
  }

  @Override
  public void cancel() {
    // Killing the receive fails the peer's send, which then answers.
    expected.cancel();
    result.completeExceptionally(
        new TransferFailedException(
            TransferFailedException.Reason.CANCELLED,
            description + " cancelled",
            expected.bytesSoFar(),
            "",
            "",
            null));
  }
}
