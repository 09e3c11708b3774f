package org.zfleet.replication;

import java.util.List;
import java.util.Map;
import org.zfleet.config.FilesystemFilter;
import org.zfleet.config.Hook;
import org.zfleet.cycle.StepSpec;
import org.zfleet.endpoint.Sender;
import org.zfleet.job.CyclePorts;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepRunner;
import org.zfleet.job.StepWork;
import org.zfleet.model.DatasetName;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.ProcessRunner;
import org.zfleet.zfs.ZfsPort;

/**
 * Carries a job's planned steps out against its ports: lists with the job's lister, snapshots its
 * filesystems (hooks first), replicates through the sender and receivers its listing found, and
 * destroys what pruning decided. Holds no state of its own between steps.
 */
public final class JobStepRunner implements StepRunner {

  private final String job;
  private final ZfsPort zfs;
  private final FilesystemFilter filter;
  private final List<Hook> hooks;
  private final ProcessRunner processes;
  private final StepWork lister;
  private final Map<String, ReplicationMarks> marks;
  private final TransferOptions transferOptions;
  private final boolean holdsByJob;

  /**
   * @param filter the job's own filesystems (what a snapshot takes), if it has any
   * @param lister the job's listing step
   * @param marks each destination's marks on the sender
   */
  public JobStepRunner(
      String job,
      ZfsPort zfs,
      FilesystemFilter filter,
      List<Hook> hooks,
      ProcessRunner processes,
      StepWork lister,
      Map<String, ReplicationMarks> marks,
      TransferOptions transferOptions) {
    this(job, zfs, filter, hooks, processes, lister, marks, transferOptions, false);
  }

  /**
   * @param holdsByJob the job prepares its cycles (a push): the cursor holds of snapshots its
   *     cursors have passed are released by the next prepare step, or by sender pruning just before
   *     it destroys them
   */
  public JobStepRunner(
      String job,
      ZfsPort zfs,
      FilesystemFilter filter,
      List<Hook> hooks,
      ProcessRunner processes,
      StepWork lister,
      Map<String, ReplicationMarks> marks,
      TransferOptions transferOptions,
      boolean holdsByJob) {
    this.holdsByJob = holdsByJob;
    this.job = job;
    this.zfs = zfs;
    this.filter = filter;
    this.hooks = List.copyOf(hooks);
    this.processes = processes;
    this.lister = lister;
    this.marks = Map.copyOf(marks);
    this.transferOptions = transferOptions;
  }

  /** Longer than this, ZFLEET_FILESYSTEMS is left out: one variable may hold at most 128 KiB. */
  static final int FILESYSTEMS_LIMIT = 100_000;

  /** What the hooks of a snapshot see besides ZFLEET_HOOK (see docs/configuration.md). */
  private Map<String, String> hookEnvironment(StepSpec.Snapshot s) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("ZFLEET_JOB", job);
    env.put("ZFLEET_SNAPSHOT", s.name());
    env.put("ZFLEET_FILESYSTEM_COUNT", String.valueOf(s.filesystems().size()));
    String filesystems =
        String.join("\n", s.filesystems().stream().map(DatasetName::value).toList());
    if (filesystems.length() <= FILESYSTEMS_LIMIT) {
      env.put("ZFLEET_FILESYSTEMS", filesystems);
    }
    return env;
  }

  @Override
  public StepWork work(StepSpec spec, CyclePorts ports) {
    Endpoints endpoints = Endpoints.of(ports);
    if (spec instanceof StepSpec.ListJob) {
      return lister;
    }
    if (spec instanceof StepSpec.Snapshot s) {
      HookRunner hookRunner = new HookRunner(job, hooks, hookEnvironment(s), processes);
      return new TakeSnapshots(zfs, filter, s.filesystems(), s.name(), hookRunner);
    }
    if (spec instanceof StepSpec.Prepare p) {
      return new PrepareReplication(job, p, endpoints, marks);
    }
    if (spec instanceof StepSpec.NoSnapshot n) {
      return control -> StepResult.of(n.reason());
    }
    if (spec instanceof StepSpec.Replicate r) {
      return new ReplicateFilesystem(
          endpoints.sender(r.destination()),
          endpoints.receiver(r.destination()),
          r.destination(),
          r.plan(),
          marks.get(r.destination()),
          transferOptions);
    }
    if (spec instanceof StepSpec.Wait w) {
      return control -> {
        throw new ReceiverDirectory.Unavailable(w.reason());
      };
    }
    if (spec instanceof StepSpec.PruneSender p) {
      PruneFilesystem.Destroyer destroy =
          endpoints
              .sender()
              .<PruneFilesystem.Destroyer>map(s -> s::destroySnapshots)
              .orElse(zfs::destroySnapshots);
      if (!holdsByJob || endpoints.sender().isEmpty()) {
        return new PruneFilesystem(p.side(), p.filesystem(), p.outcome(), destroy);
      }
      Sender sender = endpoints.sender().get();
      return new PruneFilesystem(
          p.side(),
          p.filesystem(),
          p.outcome(),
          destroy,
          doomed -> marks.values().forEach(m -> sender.releaseAll(m.cursorHoldTag(), doomed)));
    }
    StepSpec.PruneReceiver p = (StepSpec.PruneReceiver) spec;
    return new PruneFilesystem(
        p.side(),
        p.filesystem(),
        p.outcome(),
        endpoints.receiver(p.destination())::destroySnapshots);
  }
}
