package org.zfleet.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What makes a push, pull or snap job what it is; the {@link JobActor} only decides when. A driver
 * keeps the result of its last listing (written by its listing step, read by the actor after that
 * step reported, so message passing orders the two) and turns it into each filesystem's steps.
 */
public interface JobDriver {

  String job();

  /**
   * When the next snapshot is due, given the last listing; empty if the job takes none on schedule.
   */
  Optional<Instant> nextSnapshotDue(Instant now);

  /**
   * When to list and dispatch again without a snapshot (e.g. a pull job's interval); empty if
   * never.
   */
  Optional<Instant> nextReplanDue(Instant now);

  /** Takes this cycle's snapshot on every selected filesystem known from the last listing. */
  StepWork snapshot(Instant now);

  /** Lists the job's filesystems (and each destination's) once; keeps the result. */
  StepWork list();

  /** The filesystems of the last listing, each of which gets a supervisor. */
  List<String> filesystems();

  /** The steps of one filesystem for this cycle, from the last listing. */
  List<PlannedStep> steps(String filesystem);

  /** How long the job-wide listing and snapshot steps may go without progress. */
  java.time.Duration stallTimeout();

  /** Retry backoff of the job's failed steps. */
  Backoff backoff();
}
