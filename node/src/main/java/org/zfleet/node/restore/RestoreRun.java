package org.zfleet.node.restore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.zfleet.config.JobConfig;
import org.zfleet.config.PullJob;
import org.zfleet.config.SinkJob;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.node.cli.Bytes;
import org.zfleet.restore.BackupCatalog;
import org.zfleet.restore.BackupCatalog.ReceivingRoot;
import org.zfleet.restore.BackupMounts;
import org.zfleet.restore.Restore;
import org.zfleet.restore.RestorePlan;
import org.zfleet.restore.RestorePlanner;
import org.zfleet.restore.RestoreSource;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ZfsException;
import org.zfleet.zfs.ZfsPort;

/**
 * One restore into a target on this node, the same whether the replica is on this node ({@code
 * zfleet restore}) or on another node's sink ({@code --node}, run by the daemon): the target is
 * checked (not in a receiving job's tree, its parent exists), the {@link RestorePlanner} decides
 * (new dataset, catch-up, or refusal: nothing is changed), {@link Restore} sends and checks the
 * guid. What happens is told to a {@link Report}, line by line.
 */
public final class RestoreRun {

  /** Where a restore tells what it does: lines for the operator, refusals, and progress. */
  public interface Report extends ProgressListener {
    void line(String text);

    void problem(String text);
  }

  private final ZfsPort zfs;
  private final Transfers transfers;
  private final List<ReceivingRoot> roots;

  /**
   * @param roots this node's receiving jobs' roots, which a restore never writes into
   */
  public RestoreRun(ZfsPort zfs, Transfers transfers, List<ReceivingRoot> roots) {
    this.zfs = zfs;
    this.transfers = transfers;
    this.roots = List.copyOf(roots);
  }

  /** The roots this node's sink and pull jobs receive into. */
  public static List<ReceivingRoot> receivingRoots(List<JobConfig> jobs) {
    List<ReceivingRoot> roots = new ArrayList<>();
    for (JobConfig job : jobs) {
      if (job instanceof SinkJob sink) {
        roots.add(new ReceivingRoot(sink.name(), sink.rootFs()));
      } else if (job instanceof PullJob pull) {
        roots.add(new ReceivingRoot(pull.name(), pull.rootFs()));
      }
    }
    return roots;
  }

  /** Why {@code to} cannot be a restore's target, or null: a dataset below a pool. */
  public static String targetProblem(String to) {
    String problem = to == null ? "no name" : DatasetName.problem(to);
    if (problem != null || to.indexOf('/') < 0) {
      return "--to must be a dataset below a pool, got \""
          + to
          + "\""
          + (problem == null ? "" : ": " + problem);
    }
    return null;
  }

  /**
   * Restores {@code found} from {@code source} into {@code target}; true when the target holds the
   * snapshot afterwards (restored now, or before).
   */
  public boolean run(
      BackupCatalog.Lookup.Found found, DatasetName target, RestoreSource source, Report report) {
    Optional<String> forbidden = forbiddenTarget(target, roots);
    if (forbidden.isPresent()) {
      report.problem(forbidden.get() + "; nothing is changed");
      return false;
    }
    Optional<List<FilesystemVersion>> existing = versionsOf(target);
    DatasetName parent = target.parent().orElseThrow();
    if (existing.isEmpty() && versionsOf(parent).isEmpty()) {
      report.problem(
          "the parent of "
              + target
              + " does not exist; create it first (zfs create -p "
              + parent
              + ")");
      return false;
    }
    DatasetName replica = found.replica().dataset();
    String what = replica + "@" + found.snapshot().name();
    RestorePlan plan =
        RestorePlanner.plan(found.replica().snapshots(), found.snapshot(), target, existing);
    if (plan instanceof RestorePlan.Refused refused) {
      report.problem(refused.reason());
      return false;
    }
    if (plan instanceof RestorePlan.AlreadyThere) {
      report.line(target + " already holds " + what + "; nothing to do");
      return true;
    }
    RestorePlan.Sends sends = (RestorePlan.Sends) plan;
    report.line(
        "restoring "
            + what
            + " into "
            + (sends.newDataset() ? "new dataset " : "")
            + target
            + ": "
            + String.join(", ", sends.steps().stream().map(Object::toString).toList()));
    Restore.Done done;
    try {
      done =
          new Restore(zfs, transfers, TransferOptions.defaults())
              .run(sends, replica, source, target, report);
    } catch (Restore.RestoreFailed e) {
      report.problem(e.getMessage());
      return false;
    }
    report.line(
        "restored "
            + replica
            + "@"
            + done.snapshot().name()
            + " into "
            + target
            + ": "
            + Bytes.human(done.bytes())
            + " in "
            + seconds(done.took())
            + " ("
            + Bytes.human((long) (done.bytes() / Math.max(0.001, done.took().toMillis() / 1000.0)))
            + "/s); "
            + target
            + "@"
            + done.snapshot().name()
            + " has the replica's guid "
            + Long.toUnsignedString(done.snapshot().guid()));
    return true;
  }

  /** Targets a restore never writes into: a receiving job's tree, or the mounts' clones. */
  public static Optional<String> forbiddenTarget(DatasetName target, List<ReceivingRoot> roots) {
    for (ReceivingRoot root : roots) {
      if (target.isWithin(root.rootFs()) || root.rootFs().isWithin(target)) {
        return Optional.of(
            target + " is inside the tree of job " + root.job() + " (" + root.rootFs() + ")");
      }
    }
    DatasetName mounts = DatasetName.of(target.pool() + "/" + BackupMounts.CONTAINER);
    if (target.isWithin(mounts)) {
      return Optional.of(target + " is inside " + mounts + ", where backup mounts live");
    }
    return Optional.empty();
  }

  private Optional<List<FilesystemVersion>> versionsOf(DatasetName dataset) {
    try {
      return zfs.list(List.of(dataset), Set.of()).stream()
          .filter(d -> d.name().equals(dataset))
          .findFirst()
          .map(DatasetListing::versions);
    } catch (ZfsException.NotFound e) {
      return Optional.empty();
    }
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
