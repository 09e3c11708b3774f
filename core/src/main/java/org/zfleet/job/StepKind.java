package org.zfleet.job;

/** The kinds of step a filesystem supervisor or job runs, in the order of a cycle. */
public enum StepKind {
  LIST("list"),
  SNAPSHOT("snapshot"),
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
}
