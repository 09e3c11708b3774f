package org.zfleet.job;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handed to a running {@link StepWork}: where it reports progress, and where it registers what to
 * kill if the step is cancelled (by the watchdog, the supervisor or shutdown). Cancelling runs
 * every registered hook once, including hooks registered after the cancel.
 */
public final class StepControl {

  private static final Logger log = LoggerFactory.getLogger(StepControl.class);

  private final StepProgress progress = new StepProgress();
  private final List<Runnable> onCancel = new ArrayList<>();
  private String cancelReason;

  public StepProgress progress() {
    return progress;
  }

  /** Runs {@code hook} when the step is cancelled, at once if it already is. */
  public void onCancel(Runnable hook) {
    boolean runNow;
    synchronized (this) {
      runNow = cancelReason != null;
      if (!runNow) {
        onCancel.add(hook);
      }
    }
    if (runNow) {
      runQuietly(hook);
    }
  }

  public synchronized boolean isCancelled() {
    return cancelReason != null;
  }

  public synchronized String cancelReason() {
    return cancelReason;
  }

  /**
   * Throws {@link StepCancelledException} if the step was cancelled; call between units of work.
   */
  public void checkCancelled() {
    String reason = cancelReason();
    if (reason != null) {
      throw new StepCancelledException(reason);
    }
  }

  /** Cancels the step: marks it and runs the kill hooks. Idempotent. */
  public void cancel(String reason) {
    List<Runnable> hooks;
    synchronized (this) {
      if (cancelReason != null) {
        return;
      }
      cancelReason = reason;
      hooks = List.copyOf(onCancel);
      onCancel.clear();
    }
    hooks.forEach(StepControl::runQuietly);
  }

  private static void runQuietly(Runnable hook) {
    try {
      hook.run();
    } catch (RuntimeException e) {
      log.warn("cancel hook failed: {}", e.toString());
    }
  }
}
