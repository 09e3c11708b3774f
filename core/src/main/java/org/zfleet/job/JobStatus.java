package org.zfleet.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A job as the status view shows it: what it is doing, when it acts next, and each filesystem. */
public record JobStatus(
    String job,
    String phase,
    long cycle,
    Optional<Instant> lastListing,
    Optional<Instant> nextSnapshot,
    Optional<String> lastError,
    List<FilesystemStatus> filesystems) {
  public JobStatus {
    filesystems = List.copyOf(filesystems);
  }
}
