package org.zfleet.bench;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.zfleet.cycle.CyclePlanner;
import org.zfleet.cycle.CycleSettings;
import org.zfleet.cycle.CycleStart;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.StepSpec;
import org.zfleet.model.DatasetName;

/**
 * One cycle's planning of a push job from its listing ({@link FleetListing}): every filesystem's
 * replication plan and pruning decisions on both sides, then the job's prepare step. Run with
 * {@code deploy/bench/jmh.sh} (see docs/architecture.md, "Costs and bounds").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx6g", "-XX:+UseParallelGC"})
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
public class PlannerBenchmark {

  @Param({"1000", "10000"})
  int filesystems;

  @Param({"1000"})
  int snapshots;

  private JobListing listing;
  private CycleSettings settings;
  private CycleStart start;
  private Map<DatasetName, FilesystemCycle> planned;

  @Setup(Level.Trial)
  public void listing() {
    listing = FleetListing.listing(filesystems, snapshots);
    settings = FleetListing.settings();
    start = FleetListing.start();
    planned = CyclePlanner.plan(listing, settings, start);
  }

  /** Every filesystem's steps: replicate, prune the sender, prune the receiver. */
  @Benchmark
  public Map<DatasetName, FilesystemCycle> plan() {
    return CyclePlanner.plan(listing, settings, start);
  }

  /** The job-wide prepare step of the planned cycle. */
  @Benchmark
  public Optional<StepSpec.Prepare> prepare() {
    return CyclePlanner.prepare(listing, planned, settings);
  }
}
