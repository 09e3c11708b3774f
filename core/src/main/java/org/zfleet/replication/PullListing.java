package org.zfleet.replication;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.zfleet.config.PullJob;
import org.zfleet.cycle.Destination;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.SenderFilesystem;
import org.zfleet.endpoint.LocalReceiver;
import org.zfleet.endpoint.PullReceiver;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepOutput;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.plan.ReceiverState;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.ZfsPort;

/**
 * Finds a pull job's source, lists its filesystems with this pull's marks, and lists the pull's own
 * {@code <root-fs>/<source node>} subtree. While no reachable node offers the source the step fails
 * with the directory's account, and the next interval (or wakeup) tries again.
 */
final class PullListing implements StepWork {

  private final PullJob job;
  private final String identity;
  private final ZfsPort zfs;
  private final SourceDirectory directory;

  PullListing(PullJob job, String identity, ZfsPort zfs, SourceDirectory directory) {
    this.job = job;
    this.identity = identity;
    this.zfs = zfs;
    this.directory = directory;
  }

  @Override
  public StepResult run(StepControl control) {
    control.progress().phase("finding source " + job.source());
    PulledSource source = directory.source(job.source(), job.name(), identity);
    control.progress().phase("listing source " + job.source() + " on node " + source.node());
    ReplicationMarks marks = ReplicationMarks.of(job.name(), identity);
    List<SenderFilesystem> senders =
        ListingValues.senders(
            source.sender().list(marks.listedProperties()), Map.of(job.source(), marks));
    control.progress().phase("listing " + job.rootFs().child(source.node()));
    // The pulled subtree accepts only what this job's source node sends.
    PullReceiver receiver =
        new PullReceiver(
            new LocalReceiver(
                zfs,
                job.name(),
                job.rootFs(),
                Set.of(source.node()),
                source.node(),
                Transfers.none()));
    Destination.Reachable replicas =
        new Destination.Reachable(
            job.source(),
            new ReceiverLayout(job.rootFs(), source.node()),
            ListingValues.replicas(receiver.list(Set.of(ReceiverState.ROLE_PROPERTY))));
    JobListing listing =
        new JobListing(
            Optional.of(source.node()),
            source.snapshotPrefix(),
            senders,
            List.of(replicas),
            senders.stream().map(SenderFilesystem::name).collect(Collectors.toSet()));
    return StepResult.of(
            "listed "
                + senders.size()
                + " filesystem(s) of source "
                + job.source()
                + " on node "
                + source.node())
        .with(
            new StepOutput.Listed(
                listing,
                new Endpoints(Optional.of(source.sender()), Map.of(job.source(), receiver))));
  }
}
