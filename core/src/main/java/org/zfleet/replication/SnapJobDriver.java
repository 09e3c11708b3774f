package org.zfleet.replication;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.zfleet.config.SnapJob;
import org.zfleet.job.Backoff;
import org.zfleet.job.JobDriver;
import org.zfleet.job.PlannedStep;
import org.zfleet.job.StepKind;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.model.DatasetName;
import org.zfleet.prune.PruneContext;
import org.zfleet.prune.PrunePolicy;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ZfsPort;

/** A snap job: snapshots its filesystems on schedule and prunes them by its keep rules. */
public final class SnapJobDriver implements JobDriver {

  private final SnapJob job;
  private final OwnFilesystems own;
  private final PrunePolicy policy;
  private final Duration stallTimeout;
  private final Backoff backoff;

  /** The pruning context of the current cycle: when it took its snapshot, and which. */
  private volatile PruneContext cycle;

  public SnapJobDriver(
      SnapJob job, ZfsPort zfs, Duration stallTimeout, Backoff backoff, Clock clock) {
    this.job = job;
    this.own = new OwnFilesystems(job.name(), job.filesystems(), job.snapshotting(), zfs);
    this.policy = own.policy(job.pruning());
    this.stallTimeout = stallTimeout;
    this.backoff = backoff;
    this.cycle = PruneContext.cycle(clock.instant());
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
    cycle = own.cycleContext(now);
    return own.snapshot(now);
  }

  @Override
  public StepWork list() {
    return control -> {
      control.progress().phase("listing");
      var listing = own.list(Set.of());
      return StepResult.of("listed " + listing.size() + " filesystem(s)");
    };
  }

  @Override
  public List<String> filesystems() {
    return own.listing().keySet().stream().map(DatasetName::value).sorted().toList();
  }

  @Override
  public List<PlannedStep> steps(String filesystem) {
    DatasetListing listing = own.listing().get(DatasetName.of(filesystem));
    if (listing == null) {
      return List.of();
    }
    ZfsPort zfs = own.zfs();
    return List.of(
        new PlannedStep(
            StepKind.PRUNE_SENDER,
            "",
            new PruneFilesystem(
                "local",
                listing.name(),
                listing.versions(),
                policy,
                () -> cycle,
                zfs::destroySnapshot)));
  }

  @Override
  public Duration stallTimeout() {
    return stallTimeout;
  }

  @Override
  public Backoff backoff() {
    return backoff;
  }
}
