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
 * A job's last plan, as its actor keeps it: the listing and what the planner returned from it (each
 * filesystem's cycle), for dry runs that need the daemon's view of peers on other nodes.
 *
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
