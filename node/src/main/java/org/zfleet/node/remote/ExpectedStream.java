package org.zfleet.node.remote;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;

/**
 * A stream this node asked a peer for and waits to receive (a pull step's, a restore's): its
 * progress, its receive once running, and whether it has arrived; it may arrive once.
 */
public abstract class ExpectedStream {

  private final ProgressListener listener;
  private final AtomicBoolean claimed = new AtomicBoolean();
  private final AtomicReference<RunningTransfer> transfer = new AtomicReference<>();
  private final AtomicLong bytes = new AtomicLong();

  ExpectedStream(ProgressListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  public long bytesSoFar() {
    return bytes.get();
  }

  /** Kills the receive if it runs, and stops expecting the stream. */
  public void cancel() {
    withdraw();
    RunningTransfer running = transfer.get();
    if (running != null) {
      running.cancel();
    }
  }

  /** Stops expecting the stream. */
  public abstract void withdraw();

  /** True the first time only. */
  final boolean claim() {
    return claimed.compareAndSet(false, true);
  }

  final boolean claimed() {
    return claimed.get();
  }

  /** Counts the stream's bytes and passes its progress on. */
  final ProgressListener progress() {
    return p -> {
      bytes.set(p.bytes());
      listener.onProgress(p);
    };
  }

  final void started(RunningTransfer running) {
    transfer.set(running);
  }
}
