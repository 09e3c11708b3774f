package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Capabilities read from the usage texts of zfs-fuse (as printed here) and OpenZFS. */
class ZfsCapabilityProbeTest {

  @Test
  void zfsFuseHasNoneOfTheNewerFeatures() throws IOException {
    String usage = resource("zfs-fuse-usage.txt");

    assertThat(ZfsCapabilityProbe.looksLikeUsage(usage)).isTrue();
    assertThat(
            ZfsCapabilityProbe.fromUsage(
                usage,
                ZfsCapabilityProbe.holdsAnswered(
                    255, "internal error: /usr/lib/zfs/pyzfs.py not found\n")))
        .isEqualTo(ZfsCapabilities.zfsFuse());
  }

  @Test
  void openZfsHasThemAll() throws IOException {
    String usage = resource("openzfs-usage-excerpt.txt");

    assertThat(
            ZfsCapabilityProbe.fromUsage(
                usage,
                ZfsCapabilityProbe.holdsAnswered(
                    2, "missing dataset argument\nusage:\n\tholds [-rHp] <snapshot> ...\n")))
        .isEqualTo(ZfsCapabilities.openZfs());
  }

  @Test
  void aDaemonErrorIsNotAUsageText() {
    assertThat(
            ZfsCapabilityProbe.looksLikeUsage(
                "connect: No such file or directory\n"
                    + "Please make sure that the zfs-fuse daemon is running.\n"))
        .isFalse();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ZfsCapabilityProbeTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
