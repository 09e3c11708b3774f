package org.zfleet.job;

/** The kinds of step a filesystem supervisor or job runs, in the order of a cycle. */
public enum StepKind {
  LIST("list"),
  SNAPSHOT("snapshot"),
  REPLICATE("replicate"),
  PRUNE_SENDER("prune-sender"),
  PRUNE_RECEIVER("prune-receiver");

  private final String label;

  StepKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
