package org.zfleet.node.daemon;

import java.nio.file.Path;
import java.util.List;
import org.zfleet.config.JobConfig;
import org.zfleet.config.NodeConfig;
import org.zfleet.zfs.ZfsCli;
import org.zfleet.zfs.ZfsCliConfig;

/** The node's ZFS adapter, made as {@code zfleet.node.zfs} and {@code limits} say. */
final class NodeZfs {

  private NodeZfs() {}

  /**
   * Opens the adapter and checks that ZFS offers what the jobs need; closed again, and the problem
   * thrown, when it does not.
   */
  static ZfsCli open(NodeConfig node, List<JobConfig> jobs) {
    ZfsCliConfig defaults = ZfsCliConfig.defaults();
    ZfsCli zfs =
        ZfsCli.create(
            defaults
                .withBinaries(Path.of(node.zfs().zfsPath()), Path.of(node.zfs().zpoolPath()))
                .withTimeouts(
                    node.zfs().commandTimeout(), defaults.listTimeout(), defaults.transferTimeout())
                .withMaxConcurrentCommands(node.limits().zfsCommands()));
    try {
      JobPorts.check(zfs, jobs);
    } catch (IllegalStateException e) {
      zfs.close();
      throw e;
    }
    return zfs;
  }
}
