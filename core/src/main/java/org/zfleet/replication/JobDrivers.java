package org.zfleet.replication;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.zfleet.config.JobConfig;
import org.zfleet.config.PullJob;
import org.zfleet.config.PushJob;
import org.zfleet.config.SnapJob;
import org.zfleet.config.SourceJob;
import org.zfleet.job.Backoff;
import org.zfleet.job.JobDriver;
import org.zfleet.zfs.ZfsPort;

/** Makes the driver of an active job; the daemon and the dry-run commands share it. */
public final class JobDrivers {

  /** Snap jobs have no replication section; their listing and pruning steps get this long. */
  public static final Duration SNAP_STALL_TIMEOUT = Duration.ofMinutes(5);

  public static final Backoff SNAP_BACKOFF =
      new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(10));

  private JobDrivers() {}

  /** The driver of {@code job} without a cluster: pull jobs find no source. */
  public static Optional<JobDriver> of(
      JobConfig job, String identity, ZfsPort zfs, ReceiverDirectory sinks, Clock clock) {
    return of(job, identity, zfs, sinks, SourceDirectory.NONE, clock);
  }

  /** The driver of {@code job}, or empty for passive jobs (sink). */
  public static Optional<JobDriver> of(
      JobConfig job,
      String identity,
      ZfsPort zfs,
      ReceiverDirectory sinks,
      SourceDirectory sources,
      Clock clock) {
    if (job instanceof SourceJob source) {
      return Optional.of(new SourceJobDriver(source, zfs));
    }
    if (job instanceof PullJob pull) {
      return Optional.of(new PullJobDriver(pull, identity, zfs, sources, clock));
    }
    if (job instanceof SnapJob snap) {
      return Optional.of(new SnapJobDriver(snap, zfs, SNAP_STALL_TIMEOUT, SNAP_BACKOFF, clock));
    }
    if (job instanceof PushJob push) {
      return Optional.of(
          new PushJobDriver(
              push, identity, zfs, sinks, PushJobDriver.transferOptions(push), clock));
    }
    return Optional.empty();
  }
}
