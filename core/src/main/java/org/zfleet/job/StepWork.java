package org.zfleet.job;

/**
 * The side-effecting body of one step (list, snapshot, replicate, prune). It runs on a blocking
 * executor, never on an actor's thread; it reports progress and registers kill hooks through its
 * {@link StepControl}, and returns a one-line summary.
 */
@FunctionalInterface
public interface StepWork {
  StepResult run(StepControl control) throws Exception;
}
