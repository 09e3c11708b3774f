package org.zfleet.node.daemon;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.zfleet.job.JobDriver;

/**
 * What the {@link NodeGuardian} is built from.
 *
 * @param peerStallTimeout a transfer another node asked of this one is stalled after this long
 *     without progress
 * @param problems what is wrong with the cluster's bindings, asked at each status
 */
public record GuardianSetup(
    String node,
    List<JobDriver> activeJobs,
    List<String> passiveJobs,
    int transfers,
    Duration watchdogInterval,
    Executor blocking,
    Clock clock,
    Duration peerStallTimeout,
    Supplier<List<String>> problems) {

  /** A node without peers' problems to report (outside a cluster); peer steps stall at 10 min. */
  public GuardianSetup(
      String node,
      List<JobDriver> activeJobs,
      List<String> passiveJobs,
      int transfers,
      Duration watchdogInterval,
      Executor blocking,
      Clock clock) {
    this(
        node,
        activeJobs,
        passiveJobs,
        transfers,
        watchdogInterval,
        blocking,
        clock,
        Duration.ofMinutes(10),
        List::of);
  }
}
