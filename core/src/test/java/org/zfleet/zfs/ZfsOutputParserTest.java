package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;

/** Parsing what zfs-fuse prints (rows as seen on a real pool). */
class ZfsOutputParserTest {

  private static final String LISTING =
      String.join(
          "\n",
          "p/r\tguid\t94324562548995554\t-",
          "p/r\tcreatetxg\t12\t-",
          "p/r\tcreation\t1795873097\t-",
          "p/r\ttype\tfilesystem\t-",
          "p/r\tzfleet:x\thello\tlocal",
          "p/r\tzfleet:y\t-\t-",
          "p/r/a b\tguid\t16125081749841954578\t-",
          "p/r/a b\tcreatetxg\t13\t-",
          "p/r/a b\tcreation\t1795873097\t-",
          "p/r/a b\ttype\tfilesystem\t-",
          "p/r/a b\tzfleet:x\thello\tinherited from p/r",
          "p/r/a b\tzfleet:y\twith\ttab\tlocal",
          "p/r/a b@s2\tguid\t5280897433606260804\t-",
          "p/r/a b@s2\tcreatetxg\t24\t-",
          "p/r/a b@s2\tcreation\t1795873100\t-",
          "p/r/a b@s2\ttype\tsnapshot\t-",
          "p/r/a b@s2\tzfleet:x\thello\tinherited from p/r",
          "p/r/a b@s2\tzfleet:y\t-\t-",
          "p/r/a b@s1\tguid\t18446744073709551615\t-",
          "p/r/a b@s1\tcreatetxg\t19\t-",
          "p/r/a b@s1\tcreation\t1795873097\t-",
          "p/r/a b@s1\ttype\tsnapshot\t-",
          "p/r/a b@s1\tzfleet:x\t-\t-",
          "p/r/a b@s1\tzfleet:y\t-\t-",
          "p/v\ttype\tvolume\t-",
          "p/v\tguid\t1\t-",
          "p/v\tcreatetxg\t3\t-",
          "p/v\tcreation\t0\t-",
          "");

  @Test
  void parsesASubtreeListing() {
    List<DatasetListing> listing =
        ZfsOutputParser.parseListing(LISTING, Set.of("zfleet:x", "zfleet:y"));

    assertThat(listing)
        .extracting(DatasetListing::name)
        .containsExactly(DatasetName.of("p/r"), DatasetName.of("p/r/a b"), DatasetName.of("p/v"));
    assertThat(listing.get(0).properties()).isEqualTo(Map.of("zfleet:x", "hello"));
    // zfleet:x is inherited from p/r: a dataset lists only the values set on it.
    assertThat(listing.get(1).properties()).isEqualTo(Map.of("zfleet:y", "with\ttab"));
    assertThat(listing.get(1).versions())
        .containsExactly(
            FilesystemVersion.snapshot("s1", -1L, 19, Instant.ofEpochSecond(1795873097)),
            FilesystemVersion.snapshot(
                "s2", 5280897433606260804L, 24, Instant.ofEpochSecond(1795873100)));
    assertThat(listing.get(1).versionProperties())
        .isEqualTo(Map.of("s2", Map.of("zfleet:x", "hello")));
    assertThat(listing.get(2).type()).isEqualTo(DatasetListing.Type.VOLUME);
  }

  @Test
  void aNameZfleetRefusesIsSkippedAndNamedOnceWithItsSnapshotsAndChildren() {
    // ZFS allows a component that begins with '-'; zfleet never passes one to zfs (it could be
    // read as an option). One such dataset must not fail the listing of all the others.
    String listing =
        String.join(
            "\n",
            rows("p/r", "filesystem", 1, 10),
            rows("p/r/-odd", "filesystem", 2, 11),
            rows("p/r/-odd@s1", "snapshot", 3, 12),
            rows("p/r/-odd/child", "filesystem", 4, 13),
            rows("p/r/-odd/child@s1", "snapshot", 5, 14),
            rows("p/r/ok", "filesystem", 6, 15),
            rows("p/r/ok@-odd", "snapshot", 7, 16),
            rows("p/r/ok@s1", "snapshot", 8, 17),
            "");
    List<String> skipped = new java.util.ArrayList<>();

    List<DatasetListing> parsed =
        ZfsOutputParser.parseListing(listing, Set.of(), (name, why) -> skipped.add(name));

    assertThat(parsed)
        .extracting(DatasetListing::name)
        .containsExactly(DatasetName.of("p/r"), DatasetName.of("p/r/ok"));
    assertThat(parsed.get(1).versions()).extracting(FilesystemVersion::name).containsExactly("s1");
    assertThat(skipped).containsExactly("p/r/-odd", "p/r/-odd/child", "p/r/ok@-odd");
  }

  private static String rows(String name, String type, long guid, long txg) {
    return String.join(
        "\n",
        name + "\ttype\t" + type + "\t-",
        name + "\tguid\t" + guid + "\t-",
        name + "\tcreatetxg\t" + txg + "\t-",
        name + "\tcreation\t1795873097\t-");
  }

  @Test
  void guidsAreUnsigned64Bit() {
    assertThat(ZfsOutputParser.parseGuid("18446744073709551615", "x")).isEqualTo(-1L);
    assertThatThrownBy(() -> ZfsOutputParser.parseGuid("14.0E", "p/fs"))
        .isInstanceOf(ZfsException.Failed.class)
        .hasMessageContaining("p/fs");
  }

  @Test
  void humanFormattedNumbersAreRefused() {
    String human =
        "p/fs\ttype\tfilesystem\t-\np/fs@s\ttype\tsnapshot\t-\np/fs@s\tguid\t1\t-\n"
            + "p/fs@s\tcreatetxg\t5\t-\np/fs@s\tcreation\tSat Nov 28 13:38 2026\t-\n";
    assertThatThrownBy(() -> ZfsOutputParser.parseListing(human, Set.of()))
        .isInstanceOf(ZfsException.Failed.class)
        .hasMessageContaining("creation");
  }

  @Test
  void parsesPropertyValuesAndHolds() {
    assertThat(ZfsOutputParser.parsePropertyValue("-\t-\n", "p/fs")).isEmpty();
    assertThat(ZfsOutputParser.parsePropertyValue("local\t-\n", "p/fs")).contains("-");
    assertThat(ZfsOutputParser.parsePropertyValue("inherited from p\ta\tb\n", "p/fs"))
        .isEqualTo(Optional.of("a\tb"));
    assertThat(ZfsOutputParser.parseUserrefs("2\n", "p/fs@s")).isEqualTo(2);
    assertThat(
            ZfsOutputParser.parseHoldTags(
                "p/fs@s\tkeep\tSat Nov 28 13:38 2026\np/fs@s\tzfleet_x\tSat Nov 28 13:39 2026\n"))
        .containsExactlyInAnyOrder("keep", "zfleet_x");
  }

  @Test
  void spaceUsedKeepsFilesystemsAndLeavesOutSnapshots() {
    assertThat(
            ZfsOutputParser.parseSpaceUsed(
                "p/fs\t4096\np/fs@s1\t0\np/fs/my docs\t1024\np/fs/my docs@s\t512\n"))
        .containsExactly(
            Map.entry(DatasetName.of("p/fs"), 4096L),
            Map.entry(DatasetName.of("p/fs/my docs"), 1024L));
    assertThatThrownBy(() -> ZfsOutputParser.parseSpaceUsed("p/fs\t4.5K\n"))
        .hasMessageContaining("is not a number");
  }
}
