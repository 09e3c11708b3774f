package org.zfleet.replication;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.zfleet.cycle.CyclePlanner;
import org.zfleet.cycle.CycleStart;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.StepSpec;
import org.zfleet.job.CyclePorts;
import org.zfleet.job.JobDriver;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepKind;
import org.zfleet.job.StepOutput;
import org.zfleet.job.StepResult;
import org.zfleet.model.DatasetName;

/**
 * A job's driver run step by step on the calling thread, without actors: what a cycle of the job
 * actor and its supervisors does, in their order (pruning planned again after a replication that
 * succeeded), with each step's outcome kept.
 */
final class DirectJob {

  /** How one step ended: its summary, or the failure's message. */
  record Outcome(boolean ok, String summary, Exception failure, StepResult result) {}

  /** A step of a listed cycle, to run or inspect. */
  record Listed(DatasetName filesystem, StepSpec step) {}

  final JobDriver driver;
  private final Clock clock;
  private JobListing listing = JobListing.EMPTY;
  private CyclePorts ports = CyclePorts.NONE;
  private CycleStart start;

  DirectJob(JobDriver driver, Clock clock) {
    this.driver = driver;
    this.clock = clock;
    this.start = CycleStart.at(clock.instant());
  }

  /** Takes the job's snapshot of every filesystem of the last listing, named after the clock. */
  void snapshot() throws Exception {
    snapshotNamedAt(clock.instant());
  }

  /**
   * Takes the job's snapshot named after {@code namedAt} while ZFS records the clock's time, as
   * when the step started just before a second ended and {@code zfs snapshot} ran just after.
   */
  void snapshotNamedAt(Instant namedAt) throws Exception {
    start = CyclePlanner.snapshotCycle(driver.settings(), namedAt);
    StepSpec spec = CyclePlanner.snapshot(listing, driver.settings(), namedAt);
    driver.runner().work(spec, ports).run(new StepControl());
  }

  /** Lists and plans: every filesystem's cycle, not yet run. */
  Map<DatasetName, FilesystemCycle> plan() throws Exception {
    StepResult listed = driver.runner().work(new StepSpec.ListJob(), ports).run(new StepControl());
    StepOutput.Listed output = (StepOutput.Listed) listed.output().orElseThrow();
    listing = output.listing();
    ports = output.ports();
    if (driver.settings().cycleStartsAtListing()) {
      start = CycleStart.at(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }
    Map<DatasetName, FilesystemCycle> plans = CyclePlanner.plan(listing, driver.settings(), start);
    // A push job prepares the cycle (placeholders, holds) before its replications, as the job
    // actor does.
    Optional<StepSpec.Prepare> prepare = CyclePlanner.prepare(listing, plans, driver.settings());
    if (prepare.isPresent()) {
      driver.runner().work(prepare.get(), ports).run(new StepControl());
    }
    return plans;
  }

  /** Lists both sides and returns every filesystem's steps for this cycle, not yet run. */
  List<Listed> list() throws Exception {
    List<Listed> steps = new ArrayList<>();
    plan().forEach((fs, cycle) -> cycle.steps().forEach(s -> steps.add(new Listed(fs, s))));
    return steps;
  }

  /** Lists and runs every step, filesystem by filesystem, as the supervisors would. */
  Map<String, Outcome> cycle() throws Exception {
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    for (Map.Entry<DatasetName, FilesystemCycle> fs : plan().entrySet()) {
      FilesystemCycle cycle = fs.getValue();
      Deque<StepSpec> queue = new ArrayDeque<>(cycle.steps());
      while (!queue.isEmpty()) {
        StepSpec step = queue.removeFirst();
        Outcome outcome = run(step);
        outcomes.put(key(fs.getKey(), StepKind.of(step)), outcome);
        if (outcome.ok()
            && outcome.result().output().orElse(null) instanceof StepOutput.Replicated r) {
          cycle = cycle.after(r.effect());
          List<StepSpec> replications =
              queue.stream().filter(s -> StepKind.of(s) == StepKind.REPLICATE).toList();
          queue.clear();
          queue.addAll(replications);
          cycle.steps().stream()
              .filter(s -> StepKind.of(s) != StepKind.REPLICATE)
              .forEach(queue::add);
        }
      }
    }
    return outcomes;
  }

  Outcome run(Listed listed) {
    return run(listed.step());
  }

  Outcome run(StepSpec step) {
    return run(step, new StepControl());
  }

  /** Runs {@code step} under {@code control}, which the caller may cancel meanwhile. */
  Outcome run(StepSpec step, StepControl control) {
    try {
      StepResult result = driver.runner().work(step, ports).run(control);
      return new Outcome(true, result.summary(), null, result);
    } catch (Exception e) {
      return new Outcome(false, String.valueOf(e.getMessage()), e, null);
    }
  }

  static String key(DatasetName fs, StepKind kind) {
    return fs.value() + " " + kind.label();
  }
}
