package org.zfleet.restore;

import java.util.List;
import java.util.Objects;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.Step;

/** What restoring a snapshot into a target takes: sends, nothing, or a refusal with its reason. */
public sealed interface RestorePlan {

  /** Sends in order: a full one into a new dataset, or incremental ones catching a target up. */
  record Sends(List<Step> steps, boolean newDataset) implements RestorePlan {
    public Sends {
      steps = List.copyOf(steps);
      if (steps.isEmpty()) {
        throw new IllegalArgumentException("a restore with sends needs at least one");
      }
    }
  }

  /** The target already holds the snapshot: nothing to send. */
  record AlreadyThere(FilesystemVersion snapshot) implements RestorePlan {}

  /** Restoring would overwrite, roll back or destroy something; nothing is changed. */
  record Refused(String reason) implements RestorePlan {
    public Refused {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
