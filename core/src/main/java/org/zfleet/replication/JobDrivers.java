package org.zfleet.replication;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.zfleet.config.JobConfig;
import org.zfleet.config.PushJob;
import org.zfleet.config.SnapJob;
import org.zfleet.job.Backoff;
import org.zfleet.job.JobDriver;
import org.zfleet.zfs.ZfsPort;

/** Makes the driver of an active job; the daemon and the dry-run commands share it. */
public final class JobDrivers {

  /** Snap jobs have no replication section; their listing and pruning steps get this long. */
  public static final Duration SNAP_STALL_TIMEOUT = Duration.ofMinutes(5);

  public static final Backoff SNAP_BACKOFF = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(10));

  private JobDrivers() {}

  /** The driver of {@code job}, or empty for passive jobs (sink, source) and jobs not run here yet. */
  public static Optional<JobDriver> of(
      JobConfig job,
      String identity,
      ZfsPort zfs,
      ReceiverDirectory sinks,
      Clock clock) {
    if (job instanceof SnapJob snap) {
      return Optional.of(new SnapJobDriver(snap, zfs, SNAP_STALL_TIMEOUT, SNAP_BACKOFF, clock));
    }
    if (job instanceof PushJob push) {
      return Optional.of(new PushJobDriver(push, identity, zfs, sinks, PushJobDriver.transferOptions(push), clock));
    }
    return Optional.empty();
  }
}
