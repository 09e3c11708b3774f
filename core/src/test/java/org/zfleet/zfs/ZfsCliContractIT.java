package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.zfleet.model.DatasetName;

/** The {@link ZfsPortContract} against real zfs-fuse, through {@link ZfsCli}. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ZfsCliContractIT extends ZfsPortContract {

  private static ZfsCli zfs;
  private final RealZfsFixture fixture = new RealZfsFixture();
  private DatasetName scratch;
  private DatasetName otherScratch;

  @BeforeAll
  static void realZfs() {
    RealZfsFixture.requirePools();
    zfs = ZfsCli.create(ZfsCliConfig.defaults());
  }

  @AfterAll
  static void close() {
    if (zfs != null) {
      zfs.close();
    }
  }

  @BeforeEach
  void scratchFilesystems(TestInfo test) {
    String prefix = "ZfsCliContractIT-" + test.getTestMethod().orElseThrow().getName();
    scratch = fixture.scratch(RealZfsFixture.POOL_1, prefix);
    otherScratch = fixture.scratch(RealZfsFixture.POOL_2, prefix);
  }

  @AfterEach
  void cleanUp() {
    fixture.destroyAll();
  }

  @Test
  void zfsFuseHasNoneOfTheNewerFeatures() {
    assertThat(zfs.capabilities()).isEqualTo(ZfsCapabilities.zfsFuse());
    assertThat(zfs.pools()).contains(RealZfsFixture.POOL_1, RealZfsFixture.POOL_2);
  }

  @Override
  protected ZfsPort port() {
    return zfs;
  }

  @Override
  protected DatasetName scratch() {
    return scratch;
  }

  @Override
  protected DatasetName otherScratch() {
    return otherScratch;
  }

  /** Received replicas are read-only and unmounted: a test that changes one makes it writable. */
  @Override
  protected void writeFile(DatasetName filesystem, String name, byte[] data) {
    if (RealZfsFixture.run(
            List.of("zfs", "get", "-H", "-o", "value", "readonly", filesystem.value()))
        .output()
        .strip()
        .equals("on")) {
      RealZfsFixture.run(List.of("zfs", "set", "readonly=off", filesystem.value()));
    }
    mounted(filesystem);
    RealZfsFixture.writeFile(filesystem, name, data);
  }

  @Override
  protected Optional<byte[]> readFile(DatasetName filesystem, String name) {
    mounted(filesystem);
    return RealZfsFixture.readFile(filesystem, name);
  }

  private static void mounted(DatasetName filesystem) {
    if (RealZfsFixture.run(
            List.of("zfs", "get", "-H", "-o", "value", "mounted", filesystem.value()))
        .output()
        .strip()
        .equals("no")) {
      RealZfsFixture.Result r = RealZfsFixture.run(List.of("zfs", "mount", filesystem.value()));
      assertThat(r.code()).as("zfs mount " + filesystem + ": " + r.output()).isZero();
    }
  }
}
