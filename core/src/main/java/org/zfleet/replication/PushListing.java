package org.zfleet.replication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.zfleet.config.PushJob;
import org.zfleet.cycle.Destination;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.SenderFilesystem;
import org.zfleet.endpoint.Receiver;
import org.zfleet.endpoint.Sender;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepOutput;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.model.DatasetName;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.plan.ReceiverState;
import org.zfleet.zfs.ZfsPort;

/**
 * Lists a push job's filesystems with each sink's marks, and every sink at the same time, each sink
 * on a thread of the node's blocking executor: a sink whose node is slow or gone costs this step
 * its own timeouts, not the others' time. A sink that cannot be listed is reported, not fatal.
 */
final class PushListing implements StepWork {

  private final PushJob job;
  private final String identity;
  private final ZfsPort zfs;
  private final Sender sender;
  private final ReceiverDirectory directory;
  private final Executor lookups;

  PushListing(
      PushJob job,
      String identity,
      ZfsPort zfs,
      Sender sender,
      ReceiverDirectory directory,
      Executor lookups) {
    this.job = job;
    this.identity = identity;
    this.zfs = zfs;
    this.sender = sender;
    this.directory = directory;
    this.lookups = lookups;
  }

  /** One sink as the listing found it: its receiver and state. */
  private record Found(Optional<Receiver> receiver, Destination state) {}

  @Override
  public StepResult run(StepControl control) {
    // The sinks are listed while the sender is: each listing is a zfs process that mostly waits
    // (for zfs, or a peer), and a step that ends during either makes this listing stale for its
    // filesystem whichever was first (CycleFreshness).
    Map<String, CompletableFuture<Found>> lookup = new LinkedHashMap<>();
    for (String sink : job.sinks()) {
      lookup.put(sink, CompletableFuture.supplyAsync(() -> find(sink), lookups));
    }
    control.progress().phase("listing sender and sinks " + String.join(", ", job.sinks()));
    Map<String, ReplicationMarks> marks = new LinkedHashMap<>();
    job.sinks().forEach(sink -> marks.put(sink, ReplicationMarks.of(job.name(), sink)));
    List<SenderFilesystem> own = OwnListing.selected(zfs, job.filesystems(), marks);
    CompletableFuture<Void> all =
        CompletableFuture.allOf(lookup.values().toArray(CompletableFuture[]::new));
    while (!all.isDone()) {
      control.checkCancelled();
      // Waiting on endpoints that time out by themselves is progress, not a stall.
      control.progress().tick();
      try {
        all.get(250, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // done or still waiting: the loop condition decides
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("listing interrupted", e);
      }
    }
    List<Destination> destinations = new ArrayList<>();
    Map<String, Receiver> receivers = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (String sink : job.sinks()) {
      Found found = lookup.get(sink).join();
      destinations.add(found.state());
      found.receiver().ifPresent(r -> receivers.put(sink, r));
      if (found.state() instanceof Destination.Unreachable u) {
        problems.add(u.reason());
      }
    }
    JobListing listing =
        new JobListing(
            Optional.empty(),
            job.snapshotting().prefix(),
            own,
            destinations,
            own.stream().map(SenderFilesystem::name).collect(Collectors.toSet()),
            wholeSubtrees(own));
    return StepResult.of(
            "listed "
                + own.size()
                + " filesystem(s)"
                + (problems.isEmpty() ? "" : "; " + String.join("; ", problems)))
        .with(new StepOutput.Listed(listing, new Endpoints(Optional.of(sender), receivers)));
  }

  /** The outermost of the job's filesystems whose whole subtree its filter selects. */
  private Set<DatasetName> wholeSubtrees(List<SenderFilesystem> own) {
    List<DatasetName> roots = new ArrayList<>();
    own.stream()
        .map(SenderFilesystem::name)
        .sorted(ReceiverLayout.PARENTS_FIRST)
        .forEach(
            fs -> {
              if (roots.stream().noneMatch(fs::isWithin)
                  && job.filesystems().selectsWholeSubtree(fs)) {
                roots.add(fs);
              }
            });
    return Set.copyOf(roots);
  }

  /** One sink's endpoint and listing, or why there is none; never throws. */
  private Found find(String sink) {
    try {
      Receiver receiver = directory.receiver(sink, identity);
      Map<DatasetName, org.zfleet.cycle.ReplicaDataset> datasets =
          ListingValues.replicas(receiver.list(Set.of(ReceiverState.ROLE_PROPERTY)));
      DatasetName root = receiver.root();
      ReceiverLayout layout = new ReceiverLayout(root.parent().orElseThrow(), root.leaf());
      return new Found(Optional.of(receiver), new Destination.Reachable(sink, layout, datasets));
    } catch (RuntimeException e) {
      // Unavailable: the sink may come back, and every cycle looks again.
      String problem =
          (e instanceof ReceiverDirectory.Unavailable ? "waiting for sink " : "sink ")
              + sink
              + ": "
              + e.getMessage();
      return new Found(Optional.empty(), new Destination.Unreachable(sink, problem));
    }
  }
}
