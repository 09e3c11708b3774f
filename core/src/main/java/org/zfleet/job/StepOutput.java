package org.zfleet.job;

import java.util.Objects;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.ReplicationEffect;

/** What a step hands back as data besides its summary, for the actors to go on from. */
public sealed interface StepOutput {

  /** A listing step's listing, and the ports it found for the cycle's steps. */
  record Listed(JobListing listing, CyclePorts ports) implements StepOutput {
    public Listed {
      Objects.requireNonNull(listing, "listing");
      Objects.requireNonNull(ports, "ports");
    }
  }

  /** What a replication did, so its filesystem's cycle goes on from the state after it. */
  record Replicated(ReplicationEffect effect) implements StepOutput {
    public Replicated {
      Objects.requireNonNull(effect, "effect");
    }
  }
}
