package org.zfleet.replication;

import org.zfleet.job.ExpectedWait;

/**
 * A first receive needs its parent on the receiver, and the parent is a replicated filesystem whose
 * own first replication (in another supervisor, in parallel) has not arrived yet. Nothing was sent;
 * the step is retried after its backoff.
 */
public final class ParentNotReceivedYet extends RuntimeException implements ExpectedWait {
  public ParentNotReceivedYet(String message) {
    super(message);
  }
}
