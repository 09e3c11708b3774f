package org.zfleet.zfs;

import java.time.Instant;
import java.util.ArrayList;
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
import org.zfleet.model.SnapshotName;

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
   * One name's rows of {@code zfs get}: native values, the user properties that are set, and those
   * set on this name itself rather than inherited.
   */
  private static final class Rows {
    final Map<String, String> natives = new LinkedHashMap<>();
    final Map<String, String> user = new LinkedHashMap<>();
    final Map<String, String> userOwn = new LinkedHashMap<>();
  }

  /**
   * Parses {@code zfs get -Hp -r -o name,property,value,source type,guid,createtxg,creation,<user
   * properties> <roots>}: one row per name and property. A user property whose source is "-" is not
   * set. A dataset's user properties are those set on it (source local or received), never values
   * inherited from a parent: zfleet's marks (a replica's role, a cursor) belong to the dataset they
   * were set on. A snapshot's include those it inherits from its dataset. Datasets come in the
   * order zfs printed them (parents first); versions by createtxg.
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
    Map<String, Rows> byName = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length < 4) {
        throw unparsable("expected name, property, value and source", line);
      }
      String name = f[0];
      String property = f[1];
      String source = f[f.length - 1];
      // A user property value may itself hold tabs: it is everything between property and source.
      String value = String.join("\t", java.util.Arrays.copyOfRange(f, 2, f.length - 1));
      Rows rows = byName.computeIfAbsent(name, n -> new Rows());
      if (LISTING_PROPERTIES.contains(property)) {
        rows.natives.put(property, value);
      } else if (userProperties.contains(property) && !source.equals("-")) {
        rows.user.put(property, value);
        if (source.equals("local") || source.equals("received")) {
          rows.userOwn.put(property, value);
        }
      }
    }
    Map<String, Builder> datasets = new LinkedHashMap<>();
    Set<String> refused = new HashSet<>();
    for (Map.Entry<String, Rows> e : byName.entrySet()) {
      String type = e.getValue().natives.getOrDefault("type", "-");
      if (type.equals("filesystem") || type.equals("volume")) {
        String problem = DatasetName.problem(e.getKey());
        if (problem != null) {
          skipped.accept(e.getKey(), problem);
          refused.add(e.getKey());
          continue;
        }
        DatasetListing.Type t =
            type.equals("volume") ? DatasetListing.Type.VOLUME : DatasetListing.Type.FILESYSTEM;
        datasets.put(e.getKey(), new Builder(datasetName(e.getKey()), t, e.getValue().userOwn));
      }
    }
    for (Map.Entry<String, Rows> e : byName.entrySet()) {
      Rows rows = e.getValue();
      String type = rows.natives.getOrDefault("type", "-");
      FilesystemVersion.Kind kind =
          switch (type) {
            case "snapshot" -> FilesystemVersion.Kind.SNAPSHOT;
            case "bookmark" -> FilesystemVersion.Kind.BOOKMARK;
            default -> null;
          };
      if (kind == null) {
        continue;
      }
      String full = e.getKey();
      int sep = full.indexOf(kind.separator());
      Builder owner = sep < 0 ? null : datasets.get(full.substring(0, sep));
      if (owner == null && sep >= 0 && refused.contains(full.substring(0, sep))) {
        continue; // its dataset was left out, and said so
      }
      if (owner == null) {
        throw unparsable("a " + type + " without its dataset in the listing", full);
      }
      String shortName = full.substring(sep + 1);
      String problem = SnapshotName.shortNameProblem(shortName);
      if (problem != null) {
        skipped.accept(full, problem);
        continue;
      }
      owner.versions.add(
          version(
              shortName,
              kind,
              parseGuid(rows.natives.get("guid"), full),
              parseLong(rows.natives.get("createtxg"), "createtxg", full),
              Instant.ofEpochSecond(parseLong(rows.natives.get("creation"), "creation", full))));
      if (kind == FilesystemVersion.Kind.SNAPSHOT && !rows.user.isEmpty()) {
        owner.versionProperties.put(shortName, Map.copyOf(rows.user));
      }
    }
    List<DatasetListing> out = new ArrayList<>();
    for (Builder b : datasets.values()) {
      b.versions.sort(VERSION_ORDER);
      out.add(new DatasetListing(b.name, b.type, b.versions, b.properties, b.versionProperties));
    }
    return out;
  }

  private static final class Builder {
    final DatasetName name;
    final DatasetListing.Type type;
    final Map<String, String> properties;
    final List<FilesystemVersion> versions = new ArrayList<>();
    final Map<String, Map<String, String>> versionProperties = new LinkedHashMap<>();

    Builder(DatasetName name, DatasetListing.Type type, Map<String, String> properties) {
      this.name = name;
      this.type = type;
      this.properties = properties;
    }
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

  private static long parseLong(String text, String property, String what) {
    if (text == null) {
      throw unparsable("no " + property, what);
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw unparsable(property + " \"" + text + "\" is not a number (was -p given?)", what);
    }
  }

  private static DatasetName datasetName(String text) {
    try {
      return DatasetName.of(text);
    } catch (IllegalArgumentException e) {
      throw unparsable(e.getMessage(), text);
    }
  }

  private static FilesystemVersion version(
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
