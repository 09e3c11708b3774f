package org.zfleet.transfer;

import java.util.concurrent.CompletionStage;

/** A transfer in progress, local or across nodes. */
public interface RunningTransfer {

  /**
   * Completes once the stream ended cleanly and both sides finished successfully; otherwise
   * exceptionally with a {@link TransferFailedException}, after both sides were stopped.
   */
  CompletionStage<TransferResult> result();

  /** Bytes that have passed the counter so far (for watchdogs). */
  long bytesSoFar();

  /**
   * Stops the transfer: kills both sides and fails {@link #result()} with reason {@code CANCELLED}
   * unless it had already completed. Idempotent.
   */
  void cancel();
}
