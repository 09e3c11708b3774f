package org.zfleet.node.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.model.DatasetName;
import org.zfleet.node.restore.RestoreRun;
import org.zfleet.restore.BackupCatalog;
import org.zfleet.restore.BackupCatalog.ReceivingRoot;
import org.zfleet.restore.BackupMounts;
import org.zfleet.zfs.ZfsCli;
import org.zfleet.zfs.ZfsCliConfig;

/**
 * What the backup commands need of this node: its configuration's receiving jobs (sinks and pulls)
 * and ZFS, read directly (no daemon is needed).
 */
final class LocalBackups implements AutoCloseable {

  final ZfleetConfig config;
  final ZfsCli zfs;

  private LocalBackups(ZfleetConfig config, ZfsCli zfs) {
    this.config = config;
    this.zfs = zfs;
  }

  static LocalBackups open(Path file, PrintWriter err) {
    ZfleetConfig config = ConfigFiles.configOf(ConfigFiles.loadValid(file, err));
    var node = config.node();
    ZfsCli zfs =
        ZfsCli.create(
            ZfsCliConfig.defaults()
                .withBinaries(Path.of(node.zfs().zfsPath()), Path.of(node.zfs().zpoolPath()))
                .withMaxConcurrentCommands(node.limits().zfsCommands()));
    return new LocalBackups(config, zfs);
  }

  /** The roots the sink and pull jobs of this node receive into. */
  List<ReceivingRoot> roots() {
    return RestoreRun.receivingRoots(config.jobs());
  }

  /** One listing of every receiving root, with the space each replica uses. */
  BackupCatalog catalog() {
    List<DatasetName> rootFs = roots().stream().map(ReceivingRoot::rootFs).toList();
    if (rootFs.isEmpty()) {
      return new BackupCatalog(List.of());
    }
    return BackupCatalog.of(roots(), zfs.list(rootFs, Set.of()), zfs.spaceUsed(rootFs));
  }

  BackupMounts mounts() {
    return new BackupMounts(zfs, config.node().dataDir().resolve("mounts").toString());
  }

  @Override
  public void close() {
    zfs.close();
  }
}
