package org.zfleet.transfer;

import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.zfleet.zfs.ZfsException;

/**
 * Which part of a {@link ByteTransfer} caused its failure, from how and in which order its parts
 * ended: a failed set-up, a cancel, the sender, the receiver or the stream. Written from the
 * threads the parts end on, read once when the failure is reported.
 */
final class TransferBlame {

  private final AtomicBoolean cancelled = new AtomicBoolean();
  private volatile boolean sendFailedByItself;
  private volatile boolean receiveFailedByItself;

  /**
   * Whether the receiver's failure was seen before the sender's. When both fail without being
   * killed, one caused the other: a receiver that exits breaks the stream, which closes the
   * sender's stdout and kills it with SIGPIPE; a sender that fails ends a stream that must not be
   * committed. The first to end is the cause the report names.
   */
  private final AtomicBoolean receiveEndedFirst = new AtomicBoolean();

  private final AtomicBoolean oneEnded = new AtomicBoolean();
  private volatile Throwable streamError;
  private volatile RuntimeException setUpError;

  void setUpFailed(RuntimeException error) {
    setUpError = error;
  }

  void cancelled() {
    cancelled.set(true);
  }

  /** The sender failed with {@code error}; {@code killed} if this transfer had killed it. */
  void sendFailed(boolean killed, Throwable error) {
    sendFailedByItself = !killed || !killedByCaller(error);
    oneEnded.set(true);
  }

  /** The receiver failed with {@code error}; {@code killed} if this transfer had killed it. */
  void receiveFailed(boolean killed, Throwable error) {
    receiveFailedByItself = !killed || !killedByCaller(error);
    receiveEndedFirst.set(oneEnded.compareAndSet(false, true));
  }

  void streamFailed(Throwable error) {
    streamError = Outcomes.unwrap(error);
  }

  /** The failure to report, once the parts have ended, after {@code count} bytes. */
  TransferFailedException failure(
      CompletionStage<?> sendCompletion, CompletionStage<?> receiveCompletion, long count) {
    String sendStderr = Outcomes.stderrOf(sendCompletion);
    String receiveStderr = Outcomes.stderrOf(receiveCompletion);
    TransferFailedException.Reason reason;
    Throwable cause;
    String message;
    if (setUpError != null) {
      reason = TransferFailedException.Reason.STREAM_FAILED;
      cause = setUpError;
      message = "transfer not set up: " + Outcomes.messageOf(setUpError);
    } else if (cancelled.get()) {
      reason = TransferFailedException.Reason.CANCELLED;
      cause = null;
      message = "transfer cancelled after " + count + " bytes";
    } else if (sendFailedByItself
        && !(receiveFailedByItself
            && (receiveEndedFirst.get() || diedOfBrokenPipe(sendCompletion)))) {
      reason = TransferFailedException.Reason.SEND_FAILED;
      cause = Outcomes.errorOf(sendCompletion);
      message = "sender failed after " + count + " bytes: " + Outcomes.messageOf(cause);
    } else if (receiveFailedByItself) {
      reason = TransferFailedException.Reason.RECEIVE_FAILED;
      cause = Outcomes.errorOf(receiveCompletion);
      message = "receiver failed after " + count + " bytes: " + Outcomes.messageOf(cause);
    } else {
      reason = TransferFailedException.Reason.STREAM_FAILED;
      cause = streamError;
      message =
          "stream failed after " + count + " bytes: " + Outcomes.messageOf(Outcomes.rootOf(cause));
    }
    return new TransferFailedException(reason, message, count, sendStderr, receiveStderr, cause);
  }

  /**
   * Whether a process this transfer killed ended of that kill; one that had already failed on its
   * own when the kill came (noticed late on a loaded machine) reports its own error instead.
   */
  private static boolean killedByCaller(Throwable error) {
    return Outcomes.messageOf(Outcomes.unwrap(error)).contains("killed by its caller");
  }

  /**
   * Whether the sender died because its reader went away (SIGPIPE, exit 128+13, or zfs's "Broken
   * pipe"). Its only reader is this transfer, which stops reading only once the stream failed or
   * was stopped, so such a death is a consequence, never the cause, whatever order the two exits
   * were noticed in.
   */
  private static boolean diedOfBrokenPipe(CompletionStage<?> completion) {
    Throwable error = Outcomes.errorOf(completion);
    if (error == null) {
      return false;
    }
    String stderr = error instanceof ZfsException z ? z.stderr() : "";
    String text = (Outcomes.messageOf(error) + " " + stderr).toLowerCase(Locale.ROOT);
    return text.contains("broken pipe") || text.contains("exit code 141 ");
  }
}
