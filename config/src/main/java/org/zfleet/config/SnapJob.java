package org.zfleet.config;

import java.util.Objects;

/** Snapshots and prunes the selected filesystems locally; replicates nothing. */
public record SnapJob(
    String name, FilesystemFilter filesystems, Snapshotting snapshotting, Pruning pruning)
    implements JobConfig {

  public SnapJob {
    JobConfig.checkName("job", name);
    Objects.requireNonNull(filesystems, "filesystems");
    Objects.requireNonNull(snapshotting, "snapshotting");
    Objects.requireNonNull(pruning, "pruning");
    if (pruning.keep().stream().anyMatch(r -> r instanceof KeepRule.NotReplicated)) {
      throw new IllegalArgumentException("not-replicated has no meaning in a snap job");
    }
  }

  @Override
  public Type type() {
    return Type.SNAP;
  }
}
