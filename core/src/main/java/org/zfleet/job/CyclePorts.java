package org.zfleet.job;

/**
 * The ports a cycle's listing found (the sinks it reached, the source it found), handed with the
 * cycle's steps to the job's {@link StepRunner}. Opaque to the actors, which only pass it on.
 */
public interface CyclePorts {

  /** Before any listing, and for steps that need no found port. */
  CyclePorts NONE = new CyclePorts() {};
}
