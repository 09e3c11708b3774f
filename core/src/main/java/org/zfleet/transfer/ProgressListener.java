package org.zfleet.transfer;

/**
 * Receives progress reports of one transfer, on a stream thread: it must return quickly and never
 * block (an actor's {@code tell} is the typical body).
 */
@FunctionalInterface
public interface ProgressListener {

  ProgressListener NONE = progress -> {};

  void onProgress(TransferProgress progress);
}
