package org.zfleet.job;

import org.zfleet.cycle.StepSpec;

/**
 * Carries a planned step out: turns its {@link StepSpec} into the body a {@link StepActor} runs,
 * against the job's ports and those its cycle's listing found. The one place where specs meet side
 * effects.
 */
@FunctionalInterface
public interface StepRunner {
  StepWork work(StepSpec spec, CyclePorts ports);

  /** The step's body; a runner that cannot make one gives a body that fails with its reason. */
  default StepWork workOrFailure(StepSpec spec, CyclePorts ports) {
    try {
      return work(spec, ports);
    } catch (RuntimeException e) {
      return control -> {
        throw e;
      };
    }
  }
}
