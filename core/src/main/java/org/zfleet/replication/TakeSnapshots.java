package org.zfleet.replication;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.zfleet.config.FilesystemFilter;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepFact;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.model.DatasetName;
import org.zfleet.schedule.SnapshotPlan;
import org.zfleet.zfs.ZfsPort;

/**
 * Takes one cycle's snapshot of a job: every selected filesystem gets the same name, with one
 * {@code zfs snapshot -r} per subtree the filter selects whole and the rest one by one (or batched
 * where ZFS allows). Hooks run first; a fatal hook failure takes no snapshot.
 */
public final class TakeSnapshots implements StepWork {

  private final ZfsPort zfs;
  private final FilesystemFilter filter;
  private final Collection<DatasetName> selected;
  private final String name;
  private final HookRunner hooks;

  public TakeSnapshots(
      ZfsPort zfs,
      FilesystemFilter filter,
      Collection<DatasetName> selected,
      String name,
      HookRunner hooks) {
    this.zfs = zfs;
    this.filter = filter;
    this.selected = List.copyOf(selected);
    this.name = name;
    this.hooks = hooks;
  }

  @Override
  public StepResult run(StepControl control) throws Exception {
    if (selected.isEmpty()) {
      return StepResult.of("no filesystems selected: no snapshot taken");
    }
    control.progress().phase("running hooks");
    String hookReport = hooks.runAll(control);
    Map<DatasetName, Boolean> whole = new LinkedHashMap<>();
    for (DatasetName ds : selected) {
      whole.put(ds, filter.selectsWholeSubtree(ds));
    }
    SnapshotPlan plan = SnapshotPlan.of(whole, zfs.capabilities().multipleSnapshotsPerCommand());
    control.progress().phase("snapshotting @" + name);
    for (DatasetName root : plan.recursiveRoots()) {
      control.checkCancelled();
      zfs.snapshotRecursive(root, name);
      control.progress().tick();
    }
    for (List<DatasetName> batch : plan.batches()) {
      control.checkCancelled();
      zfs.snapshot(batch, name);
      control.progress().tick();
    }
    return StepResult.of(
            "took @"
                + name
                + " of "
                + selected.size()
                + " filesystem(s) in "
                + plan.commandCount()
                + " command(s)"
                + hookReport)
        .with(new StepFact.SnapshotsTaken(name, selected.size()));
  }
}
