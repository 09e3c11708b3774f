package org.zfleet.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.node.daemon.Json;
import org.zfleet.node.restore.BackupsJson;
import org.zfleet.restore.BackupCatalog;
import org.zfleet.restore.BackupMounts;
import org.zfleet.restore.Replica;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code zfleet backups}: what the sinks and pulls of this node hold, and read-only mounts of their
 * snapshots for fetching single files: ZFS read directly, no daemon needed. What this node has on
 * another node's sinks ({@code list --node}) is asked by the running daemon.
 */
@Command(
    name = "backups",
    description = "List the backups this node holds; mount a snapshot read-only to fetch files.",
    subcommands = {
      BackupsCommand.ListBackups.class,
      BackupsCommand.Mount.class,
      BackupsCommand.Unmount.class
    })
final class BackupsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "what to do? (list, mount, unmount)");
  }

  @Command(
      name = "list",
      description = {
        "Per client filesystem, what each sink and pull job of this node holds: snapshots, the"
            + " newest, size.",
        "With --node N: what the sinks of node N hold of this node (asked by the running daemon)."
      })
  static final class ListBackups implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin BackupOptions options;

    @Mixin BackupOptions.Where where;

    @Option(names = "--json", description = "One JSON array of the replicas.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ZfleetConfig config = ConfigFiles.configOf(ConfigFiles.loadValid(options.config, err));
      Optional<String> remote = where.remote(config.node().name());
      List<Replica> replicas;
      boolean complete = true;
      if (remote.isPresent()) {
        BackupsJson.Listing listing;
        try {
          listing = DaemonBackups.list(config, remote.get(), options.client(), where.sinks);
        } catch (IllegalArgumentException | java.io.IOException e) {
          err.println("zfleet: " + e.getMessage());
          return ZfleetCommand.EXIT_FAILED;
        }
        listing.problems().forEach(p -> err.println("zfleet: " + p));
        complete = listing.problems().isEmpty();
        replicas = listing.replicas();
      } else {
        try (LocalBackups backups = LocalBackups.open(options.config, err)) {
          if (backups.roots().isEmpty()) {
            err.println(
                "zfleet: "
                    + options.config
                    + " has no sink or pull job: this node holds no backups");
            return ZfleetCommand.EXIT_FAILED;
          }
          replicas = backups.catalog().ofClient(options.client());
        }
      }
      if (json) {
        out.println(json(replicas));
      } else {
        table(replicas, out);
      }
      // A sink that did not answer may hold more: the list is not the whole truth.
      return complete ? ZfleetCommand.EXIT_OK : ZfleetCommand.EXIT_FAILED;
    }

    private static void table(List<Replica> replicas, PrintWriter out) {
      List<String[]> rows = new ArrayList<>();
      rows.add(
          new String[] {
            "JOB", "CLIENT", "FILESYSTEM", "SNAPSHOTS", "NEWEST", "CREATED", "SIZE", "REPLICA"
          });
      for (Replica r : replicas) {
        FilesystemVersion newest = r.newest().orElseThrow();
        rows.add(
            new String[] {
              r.job(),
              r.client(),
              r.original().value(),
              Integer.toString(r.snapshots().size()),
              newest.name(),
              newest.creation().toString(),
              Bytes.human(r.usedBytes()),
              r.dataset().value()
            });
      }
      int[] widths = new int[rows.get(0).length];
      for (String[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          widths[i] = Math.max(widths[i], row[i].length());
        }
      }
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.length; i++) {
          line.append(
              i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
        }
        out.println(line.toString().stripTrailing());
      }
    }

    private static String json(List<Replica> replicas) throws Exception {
      ObjectMapper mapper = Json.mapper();
      ArrayNode array = mapper.createArrayNode();
      for (Replica r : replicas) {
        ObjectNode node =
            array
                .addObject()
                .put("job", r.job())
                .put("client", r.client())
                .put("filesystem", r.original().value())
                .put("replica", r.dataset().value())
                .put("usedBytes", r.usedBytes());
        ArrayNode snapshots = node.putArray("snapshots");
        for (FilesystemVersion s : r.snapshots()) {
          snapshots
              .addObject()
              .put("name", s.name())
              .put("guid", Long.toUnsignedString(s.guid()))
              .put("creation", s.creation().toString());
        }
      }
      return mapper.writeValueAsString(array);
    }
  }

  @Command(
      name = "mount",
      description = {
        "Mount a snapshot of a replica read-only (a clone marked zfleet:mount-of, under the data-dir's"
            + " mounts/) to fetch single files. The replica is not changed.",
        "REPLICA is the replica dataset or the client's own filesystem name."
      })
  static final class Mount implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "REPLICA@SNAPSHOT", description = "The snapshot to mount.")
    String name;

    @Mixin BackupOptions options;

    @Override
    public Integer call() {
      try (LocalBackups backups = LocalBackups.open(options.config, spec.commandLine().getErr())) {
        BackupCatalog.Lookup.Found found = find(backups, name, options.client(), spec);
        if (found == null) {
          return ZfleetCommand.EXIT_FAILED;
        }
        BackupMounts.Mount mount =
            backups.mounts().mount(found.replica().dataset().snapshot(found.snapshot().name()));
        spec.commandLine()
            .getOut()
            .println(
                (mount.made() ? "mounted " : "already mounted: ")
                    + mount.snapshot()
                    + " read-only at "
                    + mount.mountpoint()
                    + " (clone "
                    + mount.dataset()
                    + "); `zfleet backups unmount "
                    + mount.snapshot()
                    + "` removes it");
        return ZfleetCommand.EXIT_OK;
      }
    }
  }

  @Command(
      name = "unmount",
      description =
          "Remove the read-only mount of a snapshot: destroys only the clone `zfleet backups mount` made for it.")
  static final class Unmount implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "REPLICA@SNAPSHOT", description = "The mounted snapshot.")
    String name;

    @Mixin BackupOptions options;

    @Override
    public Integer call() {
      try (LocalBackups backups = LocalBackups.open(options.config, spec.commandLine().getErr())) {
        BackupCatalog.Lookup.Found found = find(backups, name, options.client(), spec);
        if (found == null) {
          return ZfleetCommand.EXIT_FAILED;
        }
        var snapshot = found.replica().dataset().snapshot(found.snapshot().name());
        if (!backups.mounts().unmount(snapshot)) {
          spec.commandLine().getErr().println("zfleet: " + snapshot + " is not mounted");
          return ZfleetCommand.EXIT_FAILED;
        }
        spec.commandLine().getOut().println("unmounted " + snapshot);
        return ZfleetCommand.EXIT_OK;
      }
    }
  }

  /** The replica and snapshot {@code name} stands for; null after printing what exists. */
  static BackupCatalog.Lookup.Found find(
      LocalBackups backups, String name, Optional<String> client, CommandSpec spec) {
    BackupCatalog.Lookup lookup = backups.catalog().find(name, client);
    if (lookup instanceof BackupCatalog.Lookup.NotFound notFound) {
      spec.commandLine().getErr().println("zfleet: " + notFound.message());
      return null;
    }
    return (BackupCatalog.Lookup.Found) lookup;
  }
}
