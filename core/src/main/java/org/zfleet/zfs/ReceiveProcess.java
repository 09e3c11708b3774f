package org.zfleet.zfs;

import java.io.OutputStream;
import java.util.concurrent.CompletionStage;

/**
 * A running {@code zfs receive}: write the stream to {@link #stdin()} and close it, then await
 * {@link #completion()}; or {@link #kill()} it, which leaves the target at its last good snapshot.
 */
public interface ReceiveProcess {

  OutputStream stdin();

  /** Completes when the process has exited; exceptionally with a {@link ZfsException}. */
  CompletionStage<Void> completion();

  /** Kills the process and its children; idempotent. */
  void kill();
}
