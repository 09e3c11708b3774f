package org.zfleet.job;

import java.time.Instant;
import java.util.Comparator;
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

  /** The same job with its filesystems' statuses, by name. */
  public JobStatus withFilesystems(List<FilesystemStatus> statuses) {
    return new JobStatus(
        job,
        phase,
        cycle,
        lastListing,
        nextSnapshot,
        lastError,
        statuses.stream().sorted(Comparator.comparing(FilesystemStatus::filesystem)).toList());
  }
}
