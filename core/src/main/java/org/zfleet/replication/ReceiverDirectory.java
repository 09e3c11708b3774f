package org.zfleet.replication;

import org.zfleet.endpoint.Receiver;
import org.zfleet.job.ExpectedWait;

/**
 * Finds a sink job by name for a client identity: in this daemon, or (with the cluster) on
 * whichever node runs it. Throws {@link Unavailable} while no node offers it, and {@link
 * org.zfleet.endpoint.AccessRefused} if the sink does not accept the identity.
 */
public interface ReceiverDirectory {

  Receiver receiver(String sinkJob, String identity);

  /** No reachable node offers the sink right now; the replication waits and retries. */
  final class Unavailable extends RuntimeException implements ExpectedWait {
    public Unavailable(String message) {
      super(message);
    }
  }
}
