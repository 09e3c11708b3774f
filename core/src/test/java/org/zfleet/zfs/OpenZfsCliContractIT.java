package org.zfleet.zfs;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The {@link ZfsPortContract} against real OpenZFS 2.3 in the guest of {@code
 * deploy/openzfs-vm.sh}, through {@link ZfsCli} and the guest's {@code zfs} wrapper. Each command
 * costs a round trip into an emulated machine: the tests run concurrently (they share nothing but
 * the pools) to keep the suite within CI's time, and each may take longer than on a local ZFS.
 */
@Execution(ExecutionMode.CONCURRENT)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class OpenZfsCliContractIT extends RealZfsPortContract {

  @Override
  RealZfs connect() {
    return RealZfs.openZfs();
  }
}
