package org.zfleet.replication;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.zfleet.config.FilesystemFilter;
import org.zfleet.config.Hook;
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
 * where ZFS allows). The pre hooks run first (a fatal failure takes no snapshot), the post hooks
 * after, whatever became of the snapshot.
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
    List<Hook> passed = new ArrayList<>();
    Optional<String> error = Optional.of("the snapshot step stopped before the snapshot");
    String notes = "";
    try {
      notes = hooks.runPre(passed, control);
      SnapshotPlan plan = snapshot(control);
      error = Optional.empty();
      return StepResult.of(
              "took @"
                  + name
                  + " of "
                  + selected.size()
                  + " filesystem(s) in "
                  + plan.commandCount()
                  + " command(s)"
                  + notes
                  + postHooks(passed, error))
          .with(new StepFact.SnapshotsTaken(name, selected.size()));
    } catch (Exception | Error e) {
      if (error.isPresent()) {
        // The post hooks run also when the snapshot failed: a frozen database is thawed.
        error = Optional.of(String.valueOf(e.getMessage()));
        postHooks(passed, error);
      }
      throw e;
    }
  }

  private String postHooks(List<Hook> passed, Optional<String> error) {
    return hooks.runPost(passed, error);
  }

  private SnapshotPlan snapshot(StepControl control) {
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
    return plan;
  }
}
