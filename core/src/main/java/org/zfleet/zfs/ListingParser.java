package org.zfleet.zfs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;

/**
 * Reads {@code zfs get -Hp -r -o name,property,value,source type,guid,createtxg,creation,<user
 * properties> <roots>} one line at a time, as zfs prints it: one row per name and property, the
 * rows of one name together. Each name is turned into its dataset or version as soon as its rows
 * end, so a listing of a large tree is held once, as the result, never as text or rows as well.
 *
 * <p>A user property whose source is "-" is not set. A dataset's user properties are those set on
 * it (source local or received), never values inherited from a parent: zfleet's marks (a replica's
 * role, a cursor) belong to the dataset they were set on. A snapshot's include those it inherits
 * from its dataset, and {@link DatasetListing#USERREFS} when it was asked for and the snapshot is
 * held. A dataset or snapshot whose name zfleet refuses (ZFS allows a component beginning with '-',
 * which zfleet never passes to zfs) is left out with what belongs to it and told to the {@code
 * skipped} callback with the reason, so one odd name never fails the whole listing. Not
 * thread-safe: one thread feeds it, then reads the result.
 */
final class ListingParser {

  private final Set<String> userProperties;
  private final BiConsumer<String, String> skipped;
  private final Set<String> refused = new HashSet<>();
  private final Map<String, Builder> datasets = new LinkedHashMap<>();
  // Versions read before their dataset (zfs prints a dataset first; this is for safety only).
  private final Map<String, List<Version>> early = new HashMap<>();

  private String name;
  private final Map<String, String> natives = new HashMap<>(8);
  private final Map<String, String> user = new HashMap<>(4);
  private final Map<String, String> userOwn = new HashMap<>(4);

  ListingParser(Set<String> userProperties) {
    this(userProperties, (name, problem) -> {});
  }

  ListingParser(Set<String> userProperties, BiConsumer<String, String> skipped) {
    this.userProperties = userProperties;
    this.skipped = skipped;
  }

  /** One line of zfs's output (without its line end). */
  void accept(String line) {
    if (line.isEmpty()) {
      return;
    }
    int t1 = line.indexOf('\t');
    int t2 = t1 < 0 ? -1 : line.indexOf('\t', t1 + 1);
    int last = line.lastIndexOf('\t');
    if (t2 < 0 || last <= t2) {
      throw unparsable("expected name, property, value and source", line);
    }
    String row = line.substring(0, t1);
    if (!row.equals(name)) {
      flush();
      name = row;
    }
    String property = line.substring(t1 + 1, t2);
    String source = line.substring(last + 1);
    // A user property value may itself hold tabs: it is everything between property and source.
    String value = line.substring(t2 + 1, last);
    if (ZfsOutputParser.LISTING_PROPERTIES.contains(property)) {
      natives.put(property, value);
    } else if (property.equals(DatasetListing.RESUME_TOKEN)) {
      // A dataset's own state (zfs shows no source for it); snapshots print "-".
      if (userProperties.contains(property) && !value.equals("-") && !value.isEmpty()) {
        userOwn.put(property, value);
      }
    } else if (DatasetListing.RECEIVE_STATE.contains(property)) {
      // A filesystem's state (snapshots print some of these too; only datasets keep them), a
      // mountpoint only where set on the filesystem itself.
      if (userProperties.contains(property)
          && (!property.equals("mountpoint")
              || source.equals("local")
              || source.equals("received"))) {
        userOwn.put(property, value);
      }
    } else if (property.equals(DatasetListing.USERREFS)) {
      if (userProperties.contains(property) && !value.equals("0") && !value.equals("-")) {
        user.put(property, value);
      }
    } else if (userProperties.contains(property) && !source.equals("-")) {
      user.put(property, value);
      if (source.equals("local") || source.equals("received")) {
        userOwn.put(property, value);
      }
    }
  }

  /** The datasets read, in the order zfs printed them, each with its versions by createtxg. */
  List<DatasetListing> result() {
    flush();
    if (!early.isEmpty()) {
      String orphan = early.keySet().iterator().next();
      throw unparsable("a version without its dataset in the listing", orphan);
    }
    List<DatasetListing> out = new ArrayList<>(datasets.size());
    for (Builder b : datasets.values()) {
      b.versions.sort(ZfsOutputParser.VERSION_ORDER);
      for (int i = 1; i < b.versions.size(); i++) {
        FilesystemVersion a = b.versions.get(i - 1);
        FilesystemVersion c = b.versions.get(i);
        if (a.kind() == c.kind() && a.name().equals(c.name())) {
          throw unparsable("rows of one name apart from each other", b.name + "@" + c.name());
        }
      }
      out.add(new DatasetListing(b.name, b.type, b.versions, b.properties, b.versionProperties));
    }
    return out;
  }

  private void flush() {
    if (name == null) {
      return;
    }
    String type = natives.getOrDefault("type", "-");
    switch (type) {
      case "filesystem", "volume" -> dataset(type);
      case "snapshot", "bookmark" -> version(type);
      default -> {
        // Neither a dataset nor a version (a name without a type row): nothing to keep.
      }
    }
    name = null;
    natives.clear();
    user.clear();
    userOwn.clear();
  }

  private void dataset(String type) {
    String problem = DatasetName.problem(name);
    if (problem != null) {
      skipped.accept(name, problem);
      refused.add(name);
      early.remove(name);
      return;
    }
    Builder b =
        new Builder(
            datasetName(name),
            type.equals("volume") ? DatasetListing.Type.VOLUME : DatasetListing.Type.FILESYSTEM,
            Map.copyOf(userOwn));
    if (datasets.putIfAbsent(name, b) != null) {
      throw unparsable("rows of one name apart from each other", name);
    }
    List<Version> waiting = early.remove(name);
    if (waiting != null) {
      waiting.forEach(b::add);
    }
  }

  private void version(String type) {
    FilesystemVersion.Kind kind =
        type.equals("snapshot") ? FilesystemVersion.Kind.SNAPSHOT : FilesystemVersion.Kind.BOOKMARK;
    int sep = name.indexOf(kind.separator());
    if (sep < 0) {
      throw unparsable("a " + type + " without its dataset in the listing", name);
    }
    String dataset = name.substring(0, sep);
    if (refused.contains(dataset)) {
      return; // its dataset was left out, and said so
    }
    String shortName = name.substring(sep + 1);
    String problem = SnapshotName.shortNameProblem(shortName);
    if (problem != null) {
      skipped.accept(name, problem);
      return;
    }
    FilesystemVersion version =
        ZfsOutputParser.version(
            shortName,
            kind,
            ZfsOutputParser.parseGuid(natives.get("guid"), name),
            ZfsOutputParser.parseLong(natives.get("createtxg"), "createtxg", name),
            Instant.ofEpochSecond(
                ZfsOutputParser.parseLong(natives.get("creation"), "creation", name)));
    Map<String, String> props =
        kind == FilesystemVersion.Kind.SNAPSHOT && !user.isEmpty() ? Map.copyOf(user) : Map.of();
    Version v = new Version(version, props);
    Builder owner = datasets.get(dataset);
    if (owner != null) {
      owner.add(v);
    } else {
      early.computeIfAbsent(dataset, d -> new ArrayList<>()).add(v);
    }
  }

  private record Version(FilesystemVersion version, Map<String, String> properties) {}

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

    void add(Version v) {
      versions.add(v.version());
      if (!v.properties().isEmpty()) {
        versionProperties.put(v.version().name(), v.properties());
      }
    }
  }

  private static DatasetName datasetName(String text) {
    try {
      return DatasetName.of(text);
    } catch (IllegalArgumentException e) {
      throw unparsable(e.getMessage(), text);
    }
  }

  private static ZfsException unparsable(String problem, String line) {
    return new ZfsException.Failed(
        "unexpected zfs output: " + problem + ": \"" + line + "\"", List.of(), "");
  }
}
