package org.zfleet.prune;

import java.util.List;
import java.util.Objects;
import org.zfleet.model.FilesystemVersion;

/** The result of pruning one filesystem: a verdict per snapshot, or a refusal to judge at all. */
public sealed interface PruneOutcome {

  /** Every entry judged, decisions in the order of the input list. */
  record Evaluated(List<SnapshotDecision> decisions, PruneSummary summary) implements PruneOutcome {
    public Evaluated {
      decisions = List.copyOf(decisions);
      Objects.requireNonNull(summary, "summary");
    }

    /** The snapshots to destroy, in input order. */
    public List<FilesystemVersion> toDestroy() {
      return decisions.stream()
          .filter(d -> d instanceof SnapshotDecision.Destroy)
          .map(SnapshotDecision::version)
          .toList();
    }

    /** The entries kept, in input order. */
    public List<FilesystemVersion> kept() {
      return decisions.stream()
          .filter(d -> d instanceof SnapshotDecision.Keep)
          .map(SnapshotDecision::version)
          .toList();
    }
  }

  /** Nothing of this filesystem may be destroyed; {@code message} is one line for the operator. */
  record Refused(Refusal reason, String message) implements PruneOutcome {
    public Refused {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }

  /** Why an evaluation refused. */
  enum Refusal {
    /** A {@code not-replicated} rule cannot judge without every destination's cursor. */
    REPLICATION_CURSOR_MISSING
  }
}
