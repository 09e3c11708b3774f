package org.zfleet.transfer;

import java.util.Objects;

/**
 * Why a transfer failed, with the stderr of both sides kept for the error report (empty where a
 * side did not fail on its own or has no stderr).
 */
public final class TransferFailedException extends RuntimeException {

  /** Which part failed first. */
  public enum Reason {
    /** The sending process ({@code zfs send}) failed. */
    SEND_FAILED,
    /** The receiving process ({@code zfs receive}), local or on the peer, failed. */
    RECEIVE_FAILED,
    /** Reading or writing the byte stream failed (a broken pipe or connection). */
    STREAM_FAILED,
    /** The peer refused the transfer (not authorized, busy, malformed request). */
    REFUSED,
    /** {@link RunningTransfer#cancel()} was called. */
    CANCELLED
  }

  private final Reason reason;
  private final long bytes;
  private final String sendStderr;
  private final String receiveStderr;

  public TransferFailedException(
      Reason reason,
      String message,
      long bytes,
      String sendStderr,
      String receiveStderr,
      Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.bytes = bytes;
    this.sendStderr = sendStderr == null ? "" : sendStderr;
    this.receiveStderr = receiveStderr == null ? "" : receiveStderr;
  }

  public Reason reason() {
    return reason;
  }

  /** Bytes that had passed the counter when the transfer failed. */
  public long bytes() {
    return bytes;
  }

  public String sendStderr() {
    return sendStderr;
  }

  public String receiveStderr() {
    return receiveStderr;
  }
}
