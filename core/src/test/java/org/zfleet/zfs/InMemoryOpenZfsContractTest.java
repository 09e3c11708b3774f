package org.zfleet.zfs;

/** The {@link ZfsPortContract} against the in-memory model with OpenZFS's capabilities. */
class InMemoryOpenZfsContractTest extends InMemoryZfsContractTest {

  @Override
  ZfsCapabilities capabilities() {
    return ZfsCapabilities.openZfs();
  }
}
