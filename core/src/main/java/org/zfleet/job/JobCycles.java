package org.zfleet.job;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.zfleet.config.Snapshotting;
import org.zfleet.cycle.CyclePlanner;
import org.zfleet.cycle.CycleSettings;
import org.zfleet.cycle.CycleStart;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.StepSpec;
import org.zfleet.model.DatasetName;

/**
 * What a {@link JobActor} keeps between its cycles and decides from it: the listing (only what the
 * schedule reads), the cycle's start, the listings' numbers, the cycle planned and not dispatched
 * yet, and when the next snapshot or listing is due. No actor and no clock (time comes in as an
 * argument); actor-confined.
 */
final class JobCycles {

  /**
   * A cycle planned from listing {@code number}; {@code listing} is what the schedule keeps of it.
   */
  record Listed(
      long number, JobListing listing, Map<DatasetName, FilesystemCycle> plans, CyclePorts ports) {}

  private final CycleSettings settings;
  private JobListing listing = JobListing.EMPTY;
  private CyclePorts ports = CyclePorts.NONE;
  private CycleStart cycleStart;
  private Optional<Instant> lastListStarted = Optional.empty();

  /** Listings started so far; the supervisors hear of each, to judge a cycle's freshness. */
  private long listingsStarted;

  /** A planned cycle not handed to the supervisors yet (it may wait for its prepare step). */
  private Listed planned;

  JobCycles(CycleSettings settings, Instant now) {
    this.settings = settings;
    this.cycleStart = CycleStart.at(now);
  }

  JobListing listing() {
    return listing;
  }

  CyclePorts ports() {
    return ports;
  }

  CycleStart cycleStart() {
    return cycleStart;
  }

  /** Whether a wakeup takes a snapshot: the job snapshots on a schedule (a pull job never does). */
  boolean snapshotsOnSchedule() {
    return !(settings.snapshotting() instanceof Snapshotting.Manual)
        && settings.kind() != CycleSettings.Kind.PULL;
  }

  /** The schedule's next snapshot, but not before the backoff of a failed one is over. */
  Optional<Instant> nextSnapshotDue(JobProgress progress, Instant now) {
    return progress.notBeforeBackoff(
        CyclePlanner.nextSnapshotDue(listing, settings, progress.lastLooked(), now));
  }

  boolean snapshotDue(JobProgress progress, Instant now) {
    return nextSnapshotDue(progress, now).map(d -> !d.isAfter(now)).orElse(false);
  }

  /** When the next cycle is due: the next snapshot, replanning or retried listing; empty: never. */
  Optional<Instant> nextTick(JobProgress progress, Instant now) {
    return Stream.of(
            nextSnapshotDue(progress, now),
            CyclePlanner.nextReplanDue(settings, lastListStarted, now),
            progress.listRetry())
        .flatMap(Optional::stream)
        .min(Instant::compareTo);
  }

  /** A snapshot step starts: its spec (and, unless the cycle starts at listing, the cycle). */
  StepSpec snapshot(Instant now) {
    if (!settings.cycleStartsAtListing()) {
      cycleStart = CyclePlanner.snapshotCycle(settings, now);
    }
    return CyclePlanner.snapshot(listing, settings, now);
  }

  /** A listing starts; returns its number. */
  long listingStarted(Instant now) {
    lastListStarted = Optional.of(now);
    listingsStarted++;
    if (settings.cycleStartsAtListing()) {
      cycleStart = CycleStart.at(now.truncatedTo(ChronoUnit.SECONDS));
    }
    return listingsStarted;
  }

  /**
   * A listing arrived: keeps what the schedule reads of it (not a copy of every filesystem's state)
   * and its ports.
   */
  void listed(StepOutput.Listed listed) {
    listing = CyclePlanner.forSchedule(listed.listing(), settings);
    ports = listed.ports();
  }

  /**
   * Plans each filesystem's cycle from the full listing that just arrived; returns the step that
   * prepares it first (push jobs), if any. The cycle is kept until {@link #takePlanned}: at once
   * without a prepare step, once that step has succeeded otherwise.
   */
  Optional<StepSpec.Prepare> plan(JobListing full) {
    planned =
        new Listed(listingsStarted, listing, CyclePlanner.plan(full, settings, cycleStart), ports);
    return CyclePlanner.prepare(full, planned.plans(), settings);
  }

  /** The planned cycle, handed over once (null after a reset dropped it). */
  Listed takePlanned() {
    Listed out = planned;
    planned = null;
    return out;
  }
}
