package org.zfleet.node.health;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What monitoring knows of one filesystem's replica at one destination (a sink, or for a pull job
 * its source): the newest snapshot the destination holds and when it was created on the sender,
 * when a replication to it last succeeded, and how the last attempt ended. Kept in the data-dir, so
 * it survives restarts.
 *
 * @param lastOutcome "ok", "failed", "stalled", "waiting", "cancelled", or "" before any attempt
 */
public record ReplicaRecord(
    String job,
    String filesystem,
    String destination,
    Optional<String> snapshot,
    Optional<Instant> snapshotCreated,
    Optional<Instant> lastSuccess,
    String lastOutcome,
    String lastReason,
    Optional<Instant> lastAttempt) {

  public ReplicaRecord {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(filesystem, "filesystem");
    Objects.requireNonNull(destination, "destination");
    snapshot = snapshot == null ? Optional.empty() : snapshot;
    snapshotCreated = snapshotCreated == null ? Optional.empty() : snapshotCreated;
    lastSuccess = lastSuccess == null ? Optional.empty() : lastSuccess;
    lastOutcome = lastOutcome == null ? "" : lastOutcome;
    lastReason = lastReason == null ? "" : lastReason;
    lastAttempt = lastAttempt == null ? Optional.empty() : lastAttempt;
  }

  /** A replica nothing is known of yet. */
  public static ReplicaRecord unknown(String job, String filesystem, String destination) {
    return new ReplicaRecord(
        job,
        filesystem,
        destination,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        "",
        "",
        Optional.empty());
  }

  public String key() {
    return job + "\u0000" + destination + "\u0000" + filesystem;
  }
}
