package org.zfleet.zfs;

import java.io.InputStream;
import java.util.concurrent.CompletionStage;

/** A running {@code zfs send}: read {@link #stdout()} to its end, or {@link #kill()} it. */
public interface SendProcess {

  /** The send stream. */
  InputStream stdout();

  /**
   * Completes when the process has exited: normally on success, exceptionally with a {@link
   * ZfsException} that keeps the command line and stderr.
   */
  CompletionStage<Void> completion();

  /** Kills the process and its children; idempotent. */
  void kill();
}
