package org.zfleet.job;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.cycle.CycleStart;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.JobListing;
import org.zfleet.model.DatasetName;

/**
 * A job's plan, for dry runs that need the daemon's view of peers on other nodes: what the planner
 * returned from its last listing, as its actor keeps it, or (answered to {@link JobActor.GetPlan})
 * with each filesystem's cycle as its supervisor holds it now, moved on by the replications since
 * that listing.
 *
 * @param listing what the job keeps of the listing between cycles (what its schedule reads: {@link
 *     org.zfleet.cycle.CyclePlanner#forSchedule}), never a second copy of every filesystem's state
 * @param listedAt when the listing was taken; empty before the first
 */
public record JobPlan(
    String job,
    Optional<Instant> listedAt,
    CycleStart start,
    JobListing listing,
    Map<DatasetName, FilesystemCycle> cycles) {
  public JobPlan {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(listedAt, "listedAt");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(listing, "listing");
    cycles = Map.copyOf(cycles);
  }

  /**
   * This plan with the cycles its filesystems' supervisors hold now, for the filesystems it plans
   * (a supervisor's cycle is this plan's, moved on by the steps it ran since); the others keep this
   * plan's.
   */
  JobPlan movedOn(List<FilesystemSupervisor.CurrentCycle> current) {
    Map<DatasetName, FilesystemCycle> moved = new HashMap<>(cycles);
    for (FilesystemSupervisor.CurrentCycle c : current) {
      c.cycle()
          .filter(cycle -> moved.containsKey(c.filesystem()))
          .ifPresent(cycle -> moved.put(c.filesystem(), cycle));
    }
    return new JobPlan(job, listedAt, start, listing, moved);
  }
}
