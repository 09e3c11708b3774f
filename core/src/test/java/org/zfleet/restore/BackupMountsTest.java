package org.zfleet.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.InMemoryZfs;

class BackupMountsTest {

  private final InMemoryZfs zfs = new InMemoryZfs().createPools("backup");
  private final DatasetName replica = DatasetName.of("backup/sink/prod1/tank/data");
  private final SnapshotName snapshot = replica.snapshot("zfleet_20261201T000000Z");
  private final BackupMounts mounts = new BackupMounts(zfs, "/var/lib/zfleet/mounts");

  BackupMountsTest() {
    zfs.createFilesystem(replica, Map.of("zfleet:role", "replica"), true);
    zfs.writeFile(replica, "report.txt", "in the snapshot".getBytes(StandardCharsets.UTF_8));
    zfs.snapshot(List.of(replica), snapshot.name());
    zfs.writeFile(replica, "later.txt", "after".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aMountIsAReadOnlyMarkedCloneOfTheSnapshotAndLeavesTheReplicaAlone() {
    String before = zfs.contentChecksum(replica);

    BackupMounts.Mount mount = mounts.mount(snapshot);

    DatasetName clone = DatasetName.of("backup/zfleet_mounts/data_zfleet_20261201T000000Z_");
    assertThat(mount.dataset().value())
        .startsWith(clone.value())
        .hasSize(clone.value().length() + 8);
    assertThat(mount.mountpoint()).isEqualTo("/var/lib/zfleet/mounts/" + mount.dataset().leaf());
    assertThat(mount.made()).isTrue();
    assertThat(zfs.contentChecksum(mount.dataset())).isEqualTo(zfs.contentChecksum(snapshot));
    assertThat(zfs.getUserProperty(mount.dataset().value(), BackupMounts.MOUNT_OF))
        .contains(snapshot.full());
    assertThat(zfs.contentChecksum(replica)).isEqualTo(before);
    assertThat(mounts.mount(snapshot))
        .isEqualTo(new BackupMounts.Mount(snapshot, mount.dataset(), mount.mountpoint(), false));
  }

  @Test
  void unmountDestroysTheCloneAndNothingElse() {
    BackupMounts.Mount mount = mounts.mount(snapshot);

    assertThat(mounts.unmount(snapshot)).isTrue();

    assertThat(zfs.exists(mount.dataset())).isFalse();
    assertThat(zfs.exists(mount.dataset().parent().orElseThrow())).isTrue();
    assertThat(names(replica)).containsExactly(replica);
    assertThat(mounts.unmount(snapshot)).as("nothing left to unmount").isFalse();
    zfs.destroySnapshot(snapshot);
  }

  @Test
  void aDatasetAtTheClonesNameWithoutTheMarkIsLeftAlone() {
    DatasetName impostor = BackupMounts.cloneName(snapshot);
    zfs.createFilesystem(impostor, Map.of(), true);

    assertThatThrownBy(() -> mounts.unmount(snapshot))
        .hasMessageContaining("was not made by `zfleet backups mount`");
    assertThatThrownBy(() -> mounts.mount(snapshot)).hasMessageContaining("nothing is changed");
    assertThat(zfs.exists(impostor)).isTrue();
  }

  private List<DatasetName> names(DatasetName root) {
    return zfs.list(List.of(root), Set.of()).stream().map(DatasetListing::name).toList();
  }
}
