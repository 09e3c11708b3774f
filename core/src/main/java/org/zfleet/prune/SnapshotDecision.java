package org.zfleet.prune;

import java.util.List;
import java.util.Objects;
import org.zfleet.model.FilesystemVersion;

/** The verdict on one snapshot: kept, with every reason that keeps it, or destroyed. */
public sealed interface SnapshotDecision {

  FilesystemVersion version();

  /** Kept; {@code reasons} is never empty. */
  record Keep(FilesystemVersion version, List<KeepReason> reasons) implements SnapshotDecision {
    public Keep {
      Objects.requireNonNull(version, "version");
      reasons = List.copyOf(reasons);
      if (reasons.isEmpty()) {
        throw new IllegalArgumentException("a kept snapshot needs a reason: " + version);
      }
    }
  }

  /** No rule and no guard keeps it. */
  record Destroy(FilesystemVersion version) implements SnapshotDecision {
    public Destroy {
      Objects.requireNonNull(version, "version");
    }
  }
}
