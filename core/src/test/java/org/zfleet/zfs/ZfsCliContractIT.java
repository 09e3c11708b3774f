package org.zfleet.zfs;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** The {@link ZfsPortContract} against real zfs-fuse on this host, through {@link ZfsCli}. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ZfsCliContractIT extends RealZfsPortContract {

  @Override
  RealZfs connect() {
    return RealZfs.zfsFuse();
  }
}
