package org.zfleet.node.cli;

import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.restore.BackupCatalog;
import org.zfleet.restore.BackupCatalog.ReceivingRoot;
import org.zfleet.restore.BackupMounts;
import org.zfleet.restore.Restore;
import org.zfleet.restore.RestorePlan;
import org.zfleet.restore.RestorePlanner;
import org.zfleet.restore.RestoreSource;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.DatasetListing;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code zfleet restore SNAPSHOT-OR-REPLICA --to POOL/NEW}: brings a backup held by a sink or pull
 * job of this node back into a new dataset on this node (or catches up one restored before),
 * checked by guid, with progress. The replica is only read.
 *
 * <p>The replica is read through a {@link RestoreSource}; a restore from a sink on another node
 * ({@code --node N}) needs only another source (that node streaming the snapshot here), the catalog
 * of that node, and the same planning and checks.
 */
@Command(
    name = "restore",
    description = {
      "Restore a backup this node holds into a new dataset on this node, verified by guid.",
      "SNAPSHOT-OR-REPLICA is a replica dataset or the client's own filesystem name, with @SNAPSHOT"
          + " (default: the newest). A target that exists is refused unless it holds an older"
          + " snapshot of the same lineage as its newest: then the missing snapshots are received."
    })
final class RestoreCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SNAPSHOT-OR-REPLICA", description = "What to restore.")
  String name;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "POOL/NEW",
      description = "The dataset to restore into: new, or restored before from the same lineage.")
  String to;

  @Option(
      names = "--client",
      paramLabel = "NODE",
      description = "The client, when a name is held for several.")
  String client;

  @Option(
      names = {"-c", "--config"},
      defaultValue = ConfigFiles.DEFAULT_CONFIG,
      paramLabel = "FILE",
      description = "The node's configuration (default: ${DEFAULT-VALUE}).")
  Path config;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String problem = DatasetName.problem(to);
    if (problem != null || to.indexOf('/') < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--to must be a dataset below a pool, got \""
              + to
              + "\""
              + (problem == null ? "" : ": " + problem));
    }
    DatasetName target = DatasetName.of(to);
    try (LocalBackups backups = LocalBackups.open(config, err)) {
      BackupCatalog.Lookup.Found found = BackupsCommand.find(backups, name, client, spec);
      if (found == null) {
        return ZfleetCommand.EXIT_FAILED;
      }
      Optional<String> forbidden = forbiddenTarget(target, backups.roots());
      if (forbidden.isPresent()) {
        err.println("zfleet: " + forbidden.get() + "; nothing is changed");
        return ZfleetCommand.EXIT_FAILED;
      }
      Optional<List<FilesystemVersion>> existing = versionsOf(backups, target);
      if (existing.isEmpty() && !exists(backups, target.parent().orElseThrow())) {
        err.println(
            "zfleet: the parent of "
                + target
                + " does not exist; create it first (zfs create -p "
                + target.parent().orElseThrow()
                + ")");
        return ZfleetCommand.EXIT_FAILED;
      }
      DatasetName replica = found.replica().dataset();
      RestorePlan plan =
          RestorePlanner.plan(found.replica().snapshots(), found.snapshot(), target, existing);
      if (plan instanceof RestorePlan.Refused refused) {
        err.println("zfleet: " + refused.reason());
        return ZfleetCommand.EXIT_FAILED;
      }
      if (plan instanceof RestorePlan.AlreadyThere) {
        out.println(
            target
                + " already holds "
                + replica
                + "@"
                + found.snapshot().name()
                + "; nothing to do");
        return ZfleetCommand.EXIT_OK;
      }
      RestorePlan.Sends sends = (RestorePlan.Sends) plan;
      out.println(
          "restoring "
              + replica
              + "@"
              + found.snapshot().name()
              + " into "
              + (sends.newDataset() ? "new dataset " : "")
              + target
              + ": "
              + String.join(", ", sends.steps().stream().map(Object::toString).toList()));
      out.flush();
      Restore.Done done = run(backups, sends, replica, target);
      out.println(
          "restored "
              + replica
              + "@"
              + done.snapshot().name()
              + " into "
              + target
              + ": "
              + Bytes.human(done.bytes())
              + " in "
              + ProgressPrinter.seconds(done.took())
              + " ("
              + Bytes.human(ProgressPrinter.rate(done.bytes(), done.took()))
              + "/s); "
              + target
              + "@"
              + done.snapshot().name()
              + " has the replica's guid "
              + Long.toUnsignedString(done.snapshot().guid()));
      return ZfleetCommand.EXIT_OK;
    }
  }

  private Restore.Done run(
      LocalBackups backups, RestorePlan.Sends sends, DatasetName replica, DatasetName target) {
    // The byte path runs on Pekko Streams: a small local actor system, quiet, for this command.
    // Logging is set up first, or SLF4J reports the actor system's early calls as replayed.
    org.slf4j.LoggerFactory.getILoggerFactory();
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "zfleet-restore",
            ConfigFactory.parseString(
                    "pekko.loglevel = WARNING\n"
                        + "pekko.stdout-loglevel = OFF\n"
                        + "pekko.log-dead-letters = off\n")
                .withFallback(ConfigFactory.load()));
    ProgressPrinter progress =
        new ProgressPrinter(spec.commandLine().getErr(), System.console() != null);
    try {
      return new Restore(
              backups.zfs,
              Transfers.streams(Materializer.matFromSystem(system)),
              TransferOptions.defaults())
          .run(sends, replica, RestoreSource.local(backups.zfs, replica), target, progress);
    } finally {
      progress.end();
      system.terminate();
    }
  }

  /** Targets a restore never writes into: a receiving job's tree, or the mounts' clones. */
  static Optional<String> forbiddenTarget(DatasetName target, List<ReceivingRoot> roots) {
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

  private static Optional<List<FilesystemVersion>> versionsOf(
      LocalBackups backups, DatasetName target) {
    return backups.zfs.list(List.of(target), Set.of()).stream()
        .filter(d -> d.name().equals(target))
        .findFirst()
        .map(DatasetListing::versions);
  }

  private static boolean exists(LocalBackups backups, DatasetName dataset) {
    return backups.zfs.list(List.of(dataset), Set.of()).stream()
        .anyMatch(d -> d.name().equals(dataset));
  }
}
