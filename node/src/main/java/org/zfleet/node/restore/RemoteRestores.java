package org.zfleet.node.restore;

import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.zfleet.config.PushJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.model.DatasetName;
import org.zfleet.node.remote.RemoteBackups;
import org.zfleet.restore.BackupCatalog;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.ZfsPort;

/**
 * What the daemon does for {@code zfleet backups list --node N} and {@code zfleet restore --node
 * N}: asks the sinks of node N over the data plane, as this node, for this node's backups (a sink
 * answers a client about its own subtree only), and restores one into a new dataset here. The sinks
 * asked are those named ({@code --sink}), else those this node's push jobs name.
 */
public final class RemoteRestores {

  private final String self;
  private final List<String> pushedTo;
  private final RemoteBackups backups;
  private final RestoreRun restore;

  /**
   * @param pushedTo the sinks this node's push jobs name
   */
  public RemoteRestores(
      String self, List<String> pushedTo, RemoteBackups backups, RestoreRun restore) {
    this.self = self;
    this.pushedTo = List.copyOf(pushedTo);
    this.backups = backups;
    this.restore = restore;
  }

  /** For the node of {@code config}: the sinks its push jobs name, restores into its pools. */
  public static RemoteRestores of(
      ZfleetConfig config, ZfsPort zfs, ActorSystem<?> system, RemoteBackups backups) {
    List<String> pushedTo =
        config.jobs().stream()
            .filter(j -> j instanceof PushJob)
            .flatMap(j -> ((PushJob) j).sinks().stream())
            .distinct()
            .toList();
    return new RemoteRestores(
        config.node().name(),
        pushedTo,
        backups,
        new RestoreRun(
            zfs,
            Transfers.streams(Materializer.matFromSystem(system)),
            RestoreRun.receivingRoots(config.jobs())));
  }

  /**
   * This node's replicas on node {@code node}'s sinks.
   *
   * @throws IllegalArgumentException for a client other than this node, or no sink to ask
   */
  public BackupsJson.Listing list(String node, Optional<String> client, List<String> sinks) {
    RemoteBackups.Held held = backups.list(node, sinksToAsk(client, sinks));
    return new BackupsJson.Listing(node, held.catalog().replicas(), held.problems());
  }

  /** Restores {@code name} held by a sink of {@code node} into {@code to} on this node. */
  public boolean restore(
      String node,
      String name,
      Optional<String> client,
      List<String> sinks,
      String to,
      RestoreRun.Report report) {
    String problem = RestoreRun.targetProblem(to);
    if (problem != null) {
      report.problem(problem);
      return false;
    }
    List<String> asked = sinksToAsk(client, sinks);
    report.line("asking node " + node + " (" + String.join(", ", asked) + ") for " + name);
    RemoteBackups.Held held = backups.list(node, asked);
    BackupCatalog.Lookup lookup =
        held.catalog()
            .find(name, client, "no sink of node " + node + " (" + String.join(", ", asked) + ")");
    if (lookup instanceof BackupCatalog.Lookup.NotFound notFound) {
      report.problem(
          notFound.message()
              + held.problems().stream().map(p -> "\n  (" + p + ")").reduce("", String::concat));
      return false;
    }
    BackupCatalog.Lookup.Found found = (BackupCatalog.Lookup.Found) lookup;
    return restore.run(found, DatasetName.of(to), backups.source(held, found.replica()), report);
  }

  private List<String> sinksToAsk(Optional<String> client, List<String> sinks) {
    if (client.isPresent() && !client.get().equals(self)) {
      throw new IllegalArgumentException(
          "node "
              + self
              + " may see only its own backups on another node's sinks, not those of "
              + client.get()
              + " (run the command on "
              + client.get()
              + ", or on the sink's node)");
    }
    List<String> asked = sinks.isEmpty() ? pushedTo : sinks;
    if (asked.isEmpty()) {
      throw new IllegalArgumentException(
          "no push job of node " + self + " names a sink: name the sink with --sink JOB");
    }
    return asked;
  }
}
