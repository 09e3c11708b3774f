package org.zfleet.node.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options {@code zfleet backups …} and {@code zfleet restore} share (a picocli mixin). */
final class BackupOptions {

  @Option(
      names = {"-c", "--config"},
      defaultValue = ConfigFiles.DEFAULT_CONFIG,
      paramLabel = "FILE",
      description = "The node's configuration (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--client",
      paramLabel = "NODE",
      description = "Only this client's backups (and so a name held for several is one).")
  String client;

  Optional<String> client() {
    return Optional.ofNullable(client);
  }

  /** Where the backups are: this node, or the sinks of another (through the local daemon). */
  static final class Where {
    @Option(
        names = "--node",
        paramLabel = "NODE",
        description =
            "The backups this node has on the sinks of cluster node NODE, asked by the running"
                + " daemon over the data plane (default: the sinks and pulls of this node).")
    String node;

    @Option(
        names = "--sink",
        paramLabel = "JOB",
        description =
            "With --node: ask this sink job (repeatable; default: the sinks this node's push jobs"
                + " name).")
    List<String> sinks = new ArrayList<>();

    /** The other node asked, or empty for this one ({@code --node} naming this node included). */
    Optional<String> remote(String self) {
      return Optional.ofNullable(node).filter(n -> !n.equals(self));
    }
  }
}
