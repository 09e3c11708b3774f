package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Capabilities read from the usage texts of zfs-fuse and OpenZFS 2.3.2 (each as its {@code zfs}
 * printed it on this machine and in the guest of {@code deploy/openzfs-vm.sh}), and of a ZFS with
 * only some of the features: each capability comes from its own command's usage line.
 */
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
    String usage = resource("openzfs-usage.txt");

    assertThat(
            ZfsCapabilityProbe.fromUsage(
                usage,
                ZfsCapabilityProbe.holdsAnswered(
                    2, "missing dataset argument\nusage:\n\tholds [-rHp] <snapshot> ...\n")))
        .isEqualTo(ZfsCapabilities.openZfs());
  }

  @Test
  void eachCapabilityIsReadFromItsOwnUsageLine() {
    String usage =
        String.join(
            "\n",
            "usage: zfs command args ...",
            "\tdestroy [-rRd] <snapshot>",
            "\tsnapshot [-r] [-o property=value] ... <filesystem@snapname|volume@snapname>",
            "\tlist [-rH][-d max] [-o property[,...]] [-t type[,...]]",
            "\tsend [-DnPpc] [-[iI] snapshot] <snapshot>",
            "\treceive [-vnF] <filesystem|volume|snapshot>",
            "\tbookmark <snapshot> <bookmark>",
            "");

    ZfsCapabilities some = ZfsCapabilityProbe.fromUsage(usage, true);

    assertThat(some)
        .isEqualTo(
            new ZfsCapabilities(
                true, false, false, false, false, false, true, Set.of(SendFlag.COMPRESSED), false));
    assertThat(some.describe()).isEqualTo("bookmarks,send-estimates,send:-c");
    assertThat(ZfsCapabilities.zfsFuse().describe()).isEqualTo("none");
    assertThat(ZfsCapabilities.openZfs().describe())
        .isEqualTo(
            "bookmarks,resume,list-p,snapshot-lists,holds,destroy-lists,send-estimates,"
                + "send:-c-L-e-w,encryption");
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
