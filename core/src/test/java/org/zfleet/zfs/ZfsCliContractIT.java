package org.zfleet.zfs;

/** The {@link ZfsPortContract} against real zfs-fuse on this host, through {@link ZfsCli}. */
class ZfsCliContractIT extends RealZfsPortContract {

  @Override
  RealZfs connect() {
    return RealZfs.zfsFuse();
  }
}
