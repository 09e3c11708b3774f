package org.zfleet.node.dataplane;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.node.tls.NodeIdentity;

/**
 * Runs the receive of a stream the data plane has accepted: in a daemon as a step of the node,
 * under its watchdog and transfer gate; on its own with the server's permits.
 */
@FunctionalInterface
public interface TransferRunner {

  /** A receive that has been handed over: when it got its slot, how it ended, how to stop it. */
  interface Running {
    /** Completes when the work starts; fails if it never will (no slot). */
    CompletionStage<Void> started();

    CompletionStage<StepResult> result();

    void cancel(String reason);
  }

  Running run(NodeIdentity peer, TransferHeader header, StepWork work);

  /** Runs at once on {@code executor} if one of {@code permits} is free, else refuses. */
  static TransferRunner permits(Semaphore permits, Executor executor) {
    return (peer, header, work) -> {
      StepControl control = new StepControl();
      CompletableFuture<Void> started = new CompletableFuture<>();
      CompletableFuture<StepResult> result = new CompletableFuture<>();
      if (!permits.tryAcquire()) {
        IllegalStateException busy = new IllegalStateException("no transfer slot free");
        started.completeExceptionally(busy);
        result.completeExceptionally(busy);
      } else {
        started.complete(null);
        executor.execute(
            () -> {
              StepResult done = null;
              Throwable failure = null;
              try {
                done = work.run(control);
              } catch (Throwable e) {
                failure = e;
              } finally {
                // Free before the outcome is known: the next stream may come right after it.
                permits.release();
              }
              if (failure == null) {
                result.complete(done);
              } else {
                result.completeExceptionally(failure);
              }
            });
      }
      return new Running() {
        @Override
        public CompletionStage<Void> started() {
          return started;
        }

        @Override
        public CompletionStage<StepResult> result() {
          return result;
        }

        @Override
        public void cancel(String reason) {
          control.cancel(reason);
        }
      };
    };
  }
}
