package org.zfleet.zfs;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;

/** Parses the tab-separated {@code -H} output of the zfs commands {@link ZfsCli} runs. */
final class ZfsOutputParser {

  /** The native properties a listing asks for besides the requested user properties. */
  static final List<String> LISTING_PROPERTIES = List.of("type", "guid", "createtxg", "creation");

  /** Orders versions as ZFS made them; a bookmark sorts after the snapshot it was made from. */
  static final Comparator<FilesystemVersion> VERSION_ORDER =
      Comparator.comparingLong(FilesystemVersion::createTxg)
          .thenComparing(FilesystemVersion::kind)
          .thenComparing(FilesystemVersion::name);

  private ZfsOutputParser() {}

  /**
   * Parses a whole {@code zfs get -Hp -r -o name,property,value,source type,guid,createtxg,
   * creation,<user properties> <roots>} answer (see {@link ListingParser}, which {@link ZfsCli}
   * feeds line by line as zfs prints it).
   */
  static List<DatasetListing> parseListing(String output, Set<String> userProperties) {
    return parseListing(output, userProperties, (name, problem) -> {});
  }

  /**
   * As {@link #parseListing(String, Set)}; a dataset or snapshot whose name zfleet refuses (ZFS
   * allows a component beginning with '-', which zfleet never passes to zfs) is left out with what
   * belongs to it, and told to {@code skipped} with the reason, so one odd name never fails the
   * listing of all the others.
   */
  static List<DatasetListing> parseListing(
      String output, Set<String> userProperties, BiConsumer<String, String> skipped) {
    ListingParser parser = new ListingParser(userProperties, skipped);
    output.lines().forEach(parser::accept);
    return parser.result();
  }

  /** Parses {@code zfs get -H -o source,value <property> <target>}: empty when not set. */
  static Optional<String> parsePropertyValue(String output, String target) {
    String line = firstLine(output);
    int tab = line.indexOf('\t');
    if (tab < 0) {
      throw unparsable("expected source and value", line + " (for " + target + ")");
    }
    String source = line.substring(0, tab);
    return source.equals("-") ? Optional.empty() : Optional.of(line.substring(tab + 1));
  }

  /** Parses {@code zfs get -Hp -o value userrefs <snapshot>}. */
  static int parseUserrefs(String output, String snapshot) {
    String value = firstLine(output).strip();
    return value.equals("-") ? 0 : (int) parseLong(value, "userrefs", snapshot);
  }

  /**
   * Parses {@code zfs get -Hp -r -o name,value used}: filesystems and volumes only (zfs-fuse's
   * {@code get} has no {@code -t}, so snapshots come too and are left out).
   */
  static Map<DatasetName, Long> parseSpaceUsed(String output) {
    Map<DatasetName, Long> used = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      int tab = line.lastIndexOf('\t');
      if (tab < 0) {
        throw unparsable("expected name and value", line);
      }
      String name = line.substring(0, tab);
      if (name.indexOf('@') >= 0 || name.indexOf('#') >= 0) {
        continue;
      }
      used.put(DatasetName.of(name), parseLong(line.substring(tab + 1), "used", name));
    }
    return used;
  }

  /** Parses {@code zfs holds -H <snapshot>}: one row per hold, name, tag and timestamp. */
  static Set<String> parseHoldTags(String output) {
    Set<String> tags = new HashSet<>();
    for (String line : output.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length < 2) {
        throw unparsable("expected name and tag", line);
      }
      tags.add(f[1]);
    }
    return tags;
  }

  /** A 64-bit guid as zfs prints it: unsigned decimal. */
  static long parseGuid(String text, String what) {
    if (text == null) {
      throw unparsable("no guid", what);
    }
    try {
      return Long.parseUnsignedLong(text.strip());
    } catch (NumberFormatException e) {
      throw unparsable("guid \"" + text + "\" is not an unsigned 64-bit number", what);
    }
  }

  static long parseLong(String text, String property, String what) {
    if (text == null) {
      throw unparsable("no " + property, what);
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw unparsable(property + " \"" + text + "\" is not a number (was -p given?)", what);
    }
  }

  static FilesystemVersion version(
      String name, FilesystemVersion.Kind kind, long guid, long txg, Instant creation) {
    try {
      return new FilesystemVersion(name, kind, guid, txg, creation);
    } catch (IllegalArgumentException e) {
      throw unparsable(e.getMessage(), name);
    }
  }

  private static String firstLine(String output) {
    int nl = output.indexOf('\n');
    return nl < 0 ? output : output.substring(0, nl);
  }

  private static ZfsException unparsable(String problem, String line) {
    return new ZfsException.Failed(
        "unexpected zfs output: " + problem + ": \"" + line + "\"", List.of(), "");
  }
}
