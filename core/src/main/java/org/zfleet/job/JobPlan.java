package org.zfleet.job;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.cycle.CycleStart;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.JobListing;
import org.zfleet.model.DatasetName;

/**
 * A job's last plan, as its actor keeps it: what the planner returned from its listing (each
 * filesystem's cycle, the same values its supervisors hold), for dry runs that need the daemon's
 * view of peers on other nodes.
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
}
