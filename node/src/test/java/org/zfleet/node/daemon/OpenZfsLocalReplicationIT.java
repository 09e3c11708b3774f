package org.zfleet.node.daemon;

import java.time.Duration;
import org.zfleet.zfs.RealZfs;

/**
 * The {@link LocalReplicationScenario} on OpenZFS 2.3 in the guest of {@code deploy/openzfs-vm.sh}:
 * the daemon runs on the host and drives the guest's {@code zfs} through its wrapper, so every
 * stream crosses the guest's ssh connection twice (about 2.7 MiB/s).
 */
class OpenZfsLocalReplicationIT extends LocalReplicationScenario {

  @Override
  RealZfs connect() {
    return RealZfs.openZfs();
  }

  @Override
  Duration cycle() {
    return Duration.ofMinutes(3);
  }
}
