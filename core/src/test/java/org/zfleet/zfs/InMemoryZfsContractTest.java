package org.zfleet.zfs;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.zfleet.model.DatasetName;

/** The {@link ZfsPortContract} against the in-memory model as zfs-fuse. */
class InMemoryZfsContractTest extends ZfsPortCapabilityContract {

  private InMemoryZfs zfs;

  /** The capabilities the model is made with here. */
  ZfsCapabilities capabilities() {
    return ZfsCapabilities.zfsFuse();
  }

  @BeforeEach
  void freshModel() {
    zfs =
        new InMemoryZfs(Clock.systemUTC(), 42, capabilities())
            .createPools("zfleet_t1", "zfleet_t2");
    zfs.createFilesystem(scratch(), Map.of(), false);
    zfs.createFilesystem(otherScratch(), Map.of(), false);
  }

  @Override
  protected ZfsPort port() {
    return zfs;
  }

  @Override
  protected DatasetName scratch() {
    return DatasetName.of("zfleet_t1/contract");
  }

  @Override
  protected DatasetName otherScratch() {
    return DatasetName.of("zfleet_t2/contract");
  }

  @Override
  protected void writeFile(DatasetName filesystem, String name, byte[] data) {
    zfs.writeFile(filesystem, name, data);
  }

  @Override
  protected Optional<byte[]> readFile(DatasetName filesystem, String name) {
    return zfs.readFile(filesystem, name);
  }
}
