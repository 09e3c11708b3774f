package org.zfleet.replication;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.zfleet.config.FilesystemFilter;
import org.zfleet.config.JobConfig;
import org.zfleet.config.PullJob;
import org.zfleet.config.PushJob;
import org.zfleet.config.Replication;
import org.zfleet.config.SnapJob;
import org.zfleet.config.SourceJob;
import org.zfleet.cycle.CycleSettings;
import org.zfleet.endpoint.LocalSender;
import org.zfleet.job.Backoff;
import org.zfleet.job.JobDriver;
import org.zfleet.transfer.TransferOptions;

/** Makes the driver of an active job; the daemon and the dry-run commands share it. */
public final class JobDrivers {

  /** Snap jobs have no replication section; their listing and pruning steps get this long. */
  public static final Duration SNAP_STALL_TIMEOUT = Duration.ofMinutes(5);

  public static final Backoff SNAP_BACKOFF =
      new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(10));

  /** A pull job has no filesystems of its own to snapshot. */
  private static final FilesystemFilter NOTHING = FilesystemFilter.of(Map.of());

  private JobDrivers() {}

  /** The driver of {@code job}, or empty for passive jobs (sink). */
  public static Optional<JobDriver> of(JobConfig job, String identity, NodePorts ports) {
    if (job instanceof SourceJob source) {
      return Optional.of(source(source, identity, ports));
    }
    if (job instanceof PullJob pull) {
      return Optional.of(pull(pull, identity, ports));
    }
    if (job instanceof SnapJob snap) {
      return Optional.of(snap(snap, identity, ports, SNAP_STALL_TIMEOUT, SNAP_BACKOFF));
    }
    if (job instanceof PushJob push) {
      return Optional.of(push(push, identity, ports, transferOptions(push.replication())));
    }
    return Optional.empty();
  }

  /** A snap job: snapshots its filesystems on schedule and prunes them by its keep rules. */
  public static JobDriver snap(
      SnapJob job, String identity, NodePorts ports, Duration stallTimeout, Backoff backoff) {
    OwnListing lister = new OwnListing(ports.zfs(), job.filesystems(), job.snapshotting().prefix());
    return new JobDriver(
        CycleSettings.of(job, identity).orElseThrow(),
        new JobStepRunner(
            job.name(),
            ports.zfs(),
            job.filesystems(),
            job.snapshotting().hooks(),
            ports.hooks(),
            lister,
            Map.of(),
            TransferOptions.defaults()),
        stallTimeout,
        backoff);
  }

  /**
   * A source job's own work: snapshots its filesystems on schedule. It prunes nothing itself: each
   * pull job prunes the source side by its own rules, through the source's endpoint.
   */
  public static JobDriver source(SourceJob job, String identity, NodePorts ports) {
    OwnListing lister = new OwnListing(ports.zfs(), job.filesystems(), job.snapshotting().prefix());
    return new JobDriver(
        CycleSettings.of(job, identity).orElseThrow(),
        new JobStepRunner(
            job.name(),
            ports.zfs(),
            job.filesystems(),
            job.snapshotting().hooks(),
            ports.hooks(),
            lister,
            Map.of(),
            TransferOptions.defaults()),
        SNAP_STALL_TIMEOUT,
        SNAP_BACKOFF);
  }

  /**
   * A push job: snapshots its filesystems, replicates each to every sink independently (one
   * replication cursor per sink), and prunes both sides. Sender pruning keeps what any sink still
   * needs; a sink that is unreachable fails only its own replication steps.
   */
  public static JobDriver push(
      PushJob job, String identity, NodePorts ports, TransferOptions transfer) {
    LocalSender sender =
        new LocalSender(
            ports.zfs(),
            job.name(),
            identity,
            job.filesystems().roots(),
            job.filesystems()::selects);
    Map<String, ReplicationMarks> marks = new LinkedHashMap<>();
    job.sinks().forEach(sink -> marks.put(sink, ReplicationMarks.of(job.name(), sink)));
    PushListing lister =
        new PushListing(job, identity, ports.zfs(), sender, ports.sinks(), ports.blocking());
    return new JobDriver(
        CycleSettings.of(job, identity).orElseThrow(),
        new JobStepRunner(
            job.name(),
            ports.zfs(),
            job.filesystems(),
            job.snapshotting().hooks(),
            ports.hooks(),
            lister,
            marks,
            transfer,
            true),
        job.replication().stallTimeout(),
        backoff(job.replication()),
        job.replication().concurrency());
  }

  /**
   * A pull job: every {@code interval} (and when woken) finds its source job, lists the source's
   * filesystems and its own {@code <root-fs>/<source node>} subtree, replicates each filesystem
   * with the same planner and steps as a push, and prunes both sides. Its cursor on the source is
   * named by this job and this node, so several pull jobs of one source never share one.
   */
  public static JobDriver pull(PullJob job, String identity, NodePorts ports) {
    return new JobDriver(
        CycleSettings.of(job, identity).orElseThrow(),
        new JobStepRunner(
            job.name(),
            ports.zfs(),
            NOTHING,
            List.of(),
            ports.hooks(),
            new PullListing(job, identity, ports.zfs(), ports.sources()),
            Map.of(job.source(), ReplicationMarks.of(job.name(), identity)),
            transferOptions(job.replication())),
        job.replication().stallTimeout(),
        backoff(job.replication()),
        job.replication().concurrency());
  }

  /**
   * The transfer options of a job: the byte path's defaults and the job's bandwidth limit, one
   * bucket that every transfer of the job draws from (the limit holds for the job as a whole, as in
   * zrepl). Made once per job, when its driver is made.
   */
  public static TransferOptions transferOptions(Replication replication) {
    TransferOptions options = TransferOptions.defaults();
    if (replication.bandwidthLimit().isPresent()) {
      options = options.withBandwidthLimit(replication.bandwidthLimit().getAsLong());
    }
    return options;
  }

  private static Backoff backoff(Replication r) {
    return new Backoff(r.retryMinBackoff(), r.retryMaxBackoff());
  }
}
