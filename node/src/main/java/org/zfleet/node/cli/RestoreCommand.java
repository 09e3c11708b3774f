package org.zfleet.node.cli;

import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.model.DatasetName;
import org.zfleet.node.restore.RestoreRun;
import org.zfleet.restore.BackupCatalog;
import org.zfleet.restore.RestoreSource;
import org.zfleet.transfer.TransferProgress;
import org.zfleet.transfer.Transfers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code zfleet restore SNAPSHOT-OR-REPLICA --to POOL/NEW [--node N]}: brings a backup back into a
 * new dataset on this node (or catches up one restored before), checked by guid, with progress. The
 * replica is only read. Held by a sink or pull job of this node, it is restored by this command;
 * held by a sink of node N ({@code --node}), the running daemon asks that sink to stream it here
 * over the data plane. Either way {@link RestoreRun} checks, plans and verifies.
 */
@Command(
    name = "restore",
    description = {
      "Restore a backup into a new dataset on this node, verified by guid: one this node holds, or"
          + " with --node N one the sinks of node N hold of this node.",
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

  @Mixin BackupOptions options;

  @Mixin BackupOptions.Where where;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String problem = RestoreRun.targetProblem(to);
    if (problem != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), problem);
    }
    ZfleetConfig config = ConfigFiles.configOf(ConfigFiles.loadValid(options.config, err));
    Optional<String> remote = where.remote(config.node().name());
    if (remote.isPresent()) {
      try {
        return DaemonBackups.restore(
            config, remote.get(), name, options.client(), where.sinks, to, out, err);
      } catch (java.io.IOException e) {
        err.println("zfleet: " + e.getMessage());
        return ZfleetCommand.EXIT_FAILED;
      }
    }
    try (LocalBackups backups = LocalBackups.open(options.config, err)) {
      BackupCatalog.Lookup.Found found = BackupsCommand.find(backups, name, options.client(), spec);
      if (found == null) {
        return ZfleetCommand.EXIT_FAILED;
      }
      return run(backups, found, DatasetName.of(to), out, err)
          ? ZfleetCommand.EXIT_OK
          : ZfleetCommand.EXIT_FAILED;
    }
  }

  private boolean run(
      LocalBackups backups,
      BackupCatalog.Lookup.Found found,
      DatasetName target,
      PrintWriter out,
      PrintWriter err) {
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
    ProgressPrinter progress = new ProgressPrinter(err, System.console() != null);
    try {
      return new RestoreRun(
              backups.zfs, Transfers.streams(Materializer.matFromSystem(system)), backups.roots())
          .run(
              found,
              target,
              RestoreSource.local(backups.zfs, found.replica().dataset()),
              new RestoreRun.Report() {
                @Override
                public void line(String text) {
                  progress.end();
                  out.println(text);
                  out.flush();
                }

                @Override
                public void problem(String text) {
                  progress.end();
                  err.println("zfleet: " + text);
                }

                @Override
                public void onProgress(TransferProgress p) {
                  progress.onProgress(p);
                }
              });
    } finally {
      progress.end();
      system.terminate();
    }
  }
}
