package org.zfleet.node.daemon;

import java.time.Duration;
import org.zfleet.zfs.RealZfs;

/** The {@link LocalReplicationScenario} on zfs-fuse ({@code zfleet_t1} to {@code zfleet_t2}). */
class LocalReplicationIT extends LocalReplicationScenario {

  @Override
  RealZfs connect() {
    return RealZfs.zfsFuse();
  }

  @Override
  Duration cycle() {
    return Duration.ofSeconds(60);
  }
}
