package org.zfleet.replication;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.zfleet.config.SourceJob;
import org.zfleet.job.Backoff;
import org.zfleet.job.JobDriver;
import org.zfleet.job.PlannedStep;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.zfs.ZfsPort;

/**
 * A source job's own work: snapshots its filesystems on schedule. It prunes nothing itself: each
 * pull job prunes the source side by its own rules, through the source's endpoint.
 */
public final class SourceJobDriver implements JobDriver {

  private final SourceJob job;
  private final OwnFilesystems own;

  public SourceJobDriver(SourceJob job, ZfsPort zfs) {
    this.job = job;
    this.own = new OwnFilesystems(job.name(), job.filesystems(), job.snapshotting(), zfs);
  }

  @Override
  public String job() {
    return job.name();
  }

  @Override
  public Optional<Instant> nextSnapshotDue(Instant now) {
    return own.nextSnapshotDue(now);
  }

  @Override
  public Optional<Instant> nextReplanDue(Instant now) {
    return Optional.empty();
  }

  @Override
  public StepWork snapshot(Instant now) {
    return own.snapshot(now);
  }

  @Override
  public StepWork list() {
    return control -> {
      control.progress().phase("listing");
      return StepResult.of("listed " + own.list(Set.of()).size() + " filesystem(s)");
    };
  }

  /** No per-filesystem steps: the snapshot is job-wide and pruning belongs to the pull jobs. */
  @Override
  public List<String> filesystems() {
    return List.of();
  }

  @Override
  public List<PlannedStep> steps(String filesystem) {
    return List.of();
  }

  @Override
  public Duration stallTimeout() {
    return JobDrivers.SNAP_STALL_TIMEOUT;
  }

  @Override
  public Backoff backoff() {
    return JobDrivers.SNAP_BACKOFF;
  }
}
