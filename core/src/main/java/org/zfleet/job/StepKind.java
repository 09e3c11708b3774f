package org.zfleet.job;

import org.zfleet.cycle.StepSpec;

/** The kinds of step a filesystem supervisor or job runs, in the order of a cycle. */
public enum StepKind {
  LIST("list"),
  SNAPSHOT("snapshot"),
  PREPARE("prepare"),
  REPLICATE("replicate"),
  PRUNE_SENDER("prune-sender"),
  PRUNE_RECEIVER("prune-receiver"),
  /** A stream another node sends into a sink of this node. */
  RECEIVE("receive"),
  /** A stream a source of this node sends to another node's pull. */
  SEND("send");

  private final String label;

  StepKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The kind of a planned step: a wait stands in for the replication it waits to make. */
  public static StepKind of(StepSpec spec) {
    if (spec instanceof StepSpec.ListJob) {
      return LIST;
    }
    if (spec instanceof StepSpec.Snapshot || spec instanceof StepSpec.NoSnapshot) {
      return SNAPSHOT;
    }
    if (spec instanceof StepSpec.Prepare) {
      return PREPARE;
    }
    if (spec instanceof StepSpec.Replicate || spec instanceof StepSpec.Wait) {
      return REPLICATE;
    }
    if (spec instanceof StepSpec.PruneSender) {
      return PRUNE_SENDER;
    }
    return PRUNE_RECEIVER;
  }
}
