package org.zfleet.zfs;

/**
 * The {@link ZfsPortContract} against real OpenZFS 2.3 in the guest of {@code
 * deploy/openzfs-vm.sh}, through {@link ZfsCli} and the guest's {@code zfs} wrapper.
 */
class OpenZfsCliContractIT extends RealZfsPortContract {

  @Override
  RealZfs connect() {
    return RealZfs.openZfs();
  }
}
