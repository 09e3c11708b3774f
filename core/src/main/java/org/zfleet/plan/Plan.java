package org.zfleet.plan;

import java.util.List;
import java.util.Objects;
import org.zfleet.model.FilesystemVersion;

/**
 * What replicating one filesystem takes now: nothing, a chain of steps, or a refusal with its
 * reason.
 */
public sealed interface Plan permits Plan.UpToDate, Plan.Steps, Plan.Conflict {

  /** Nothing to send: the receiver has every snapshot the job replicates after the common base. */
  record UpToDate() implements Plan {}

  /**
   * Steps to run in order. They form a chain: every step after the first starts where the one
   * before it ended, and only the first may be full.
   */
  record Steps(List<Step> steps) implements Plan {
    public Steps {
      steps = List.copyOf(steps);
      if (steps.isEmpty()) {
        throw new IllegalArgumentException("a plan with steps needs at least one step");
      }
      for (int i = 1; i < steps.size(); i++) {
        Step step = steps.get(i);
        FilesystemVersion previous = steps.get(i - 1).to();
        if (step.from().isEmpty() || step.from().get().guid() != previous.guid()) {
          throw new IllegalArgumentException(
              "step "
                  + (i + 1)
                  + " ("
                  + step
                  + ") does not start where step "
                  + i
                  + " ended ("
                  + previous.relativeName()
                  + ")");
        }
      }
    }

    /** The snapshot the receiver has once every step has run. */
    public FilesystemVersion last() {
      return steps.get(steps.size() - 1).to();
    }
  }

  /** Replication would need something zfleet never does on its own (destroy or overwrite). */
  record Conflict(Reason reason, String detail) implements Plan {
    public Conflict {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    /** One line for operators: the reason, then what was found. */
    public String message() {
      return detail.isEmpty() ? reason.summary() : reason.summary() + ": " + detail;
    }
  }

  /** Why a filesystem cannot be replicated as things stand. */
  enum Reason {
    NO_COMMON_SNAPSHOT("no common snapshot"),
    RECEIVER_HAS_NEWER_SNAPSHOTS("the receiver has snapshots newer than the newest common one"),
    NOT_CREATED_BY_ZFLEET("the receiver dataset exists but zfleet did not create it"),
    INITIAL_REPLICATION_REQUIRED("initial replication required but policy is fail");

    private final String summary;

    Reason(String summary) {
      this.summary = summary;
    }

    public String summary() {
      return summary;
    }
  }
}
