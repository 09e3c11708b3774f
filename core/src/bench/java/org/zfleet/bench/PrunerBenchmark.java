package org.zfleet.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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
import org.openjdk.jmh.infra.Blackhole;
import org.zfleet.config.GridSpec;
import org.zfleet.config.KeepRule;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.prune.CursorState;
import org.zfleet.prune.PruneContext;
import org.zfleet.prune.PrunePolicy;
import org.zfleet.prune.PruneScope;
import org.zfleet.prune.Pruner;

/**
 * The pruner over a fleet: {@code filesystems} filesystems of {@code snapshots} hourly snapshots
 * each, evaluated one filesystem at a time as a cycle does, by the documented receiver grid and by
 * a sender's not-replicated plus last-n. Run with {@code deploy/bench/jmh.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx6g", "-XX:+UseParallelGC"})
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
public class PrunerBenchmark {

  @Param({"1000", "10000"})
  int filesystems;

  @Param({"1000"})
  int snapshots;

  private List<List<FilesystemVersion>> fleet;
  private PrunePolicy grid;
  private PrunePolicy lastN;
  private PruneContext context;

  @Setup(Level.Trial)
  public void fleet() {
    fleet = new ArrayList<>(filesystems);
    for (int i = 0; i < filesystems; i++) {
      fleet.add(FleetListing.history(snapshots, i + 1));
    }
    String spec = "1x1h(keep=all) | 24x1h | 30x1d | 12x30d";
    grid =
        new PrunePolicy(
            List.of(new KeepRule.Grid(GridSpec.parse(spec), Pattern.compile("^zfleet_"), spec)),
            PruneScope.own(FleetListing.NAMING));
    lastN =
        new PrunePolicy(
            List.of(new KeepRule.NotReplicated(), new KeepRule.LastN(24, Optional.empty())),
            PruneScope.own(FleetListing.NAMING));
    context = PruneContext.cycle(FleetListing.NEWEST.plus(Duration.ofMinutes(1)));
  }

  /** The receiver side: the grid, every filesystem. */
  @Benchmark
  public void grid(Blackhole out) {
    for (List<FilesystemVersion> versions : fleet) {
      out.consume(Pruner.evaluate(versions, grid, context));
    }
  }

  /** The sender side: not-replicated (the cursor one snapshot behind) and last-n 24. */
  @Benchmark
  public void notReplicatedAndLastN(Blackhole out) {
    for (List<FilesystemVersion> versions : fleet) {
      FilesystemVersion cursor = versions.get(versions.size() - 2);
      out.consume(
          Pruner.evaluate(
              versions,
              lastN,
              context.withCursor(new CursorState.Known("sink", cursor.guid(), cursor.createTxg()))));
    }
  }
}
