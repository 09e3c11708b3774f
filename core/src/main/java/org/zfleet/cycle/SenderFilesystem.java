package org.zfleet.cycle;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;

/**
 * One filesystem a job sends from, as its listing found it: its versions ordered by createtxg, per
 * destination the marks zfleet wrote on it for that destination (raw property values), and the
 * snapshots that carry user holds of any tag (short names; empty where the listing did not read
 * holds).
 */
public record SenderFilesystem(
    DatasetName name,
    List<FilesystemVersion> versions,
    Map<String, Marks> marks,
    Set<String> heldSnapshots) {

  public SenderFilesystem {
    Objects.requireNonNull(name, "name");
    versions = List.copyOf(versions);
    marks = Map.copyOf(marks);
    heldSnapshots = Set.copyOf(heldSnapshots);
  }

  /** A filesystem as listed without reading holds. */
  public SenderFilesystem(
      DatasetName name, List<FilesystemVersion> versions, Map<String, Marks> marks) {
    this(name, versions, marks, Set.of());
  }

  /** A filesystem without marks (a snap job's, or before any replication). */
  public static SenderFilesystem of(DatasetName name, List<FilesystemVersion> versions) {
    return new SenderFilesystem(name, versions, Map.of());
  }

  /** The marks for {@code destination}; none if it has never been replicated there. */
  public Marks marksFor(String destination) {
    return marks.getOrDefault(destination, Marks.NONE);
  }

  /**
   * The bookmark of {@code destination}'s cursor bookmarks with {@code guid}: where the ZFS has
   * bookmarks, the incremental base that survives its snapshot, so the snapshot itself need not be
   * held or kept from pruning.
   */
  public Optional<FilesystemVersion> cursorBookmark(String destination, long guid) {
    List<String> names = marksFor(destination).cursorBookmarks();
    if (names.isEmpty()) {
      return Optional.empty();
    }
    return versions.stream()
        .filter(v -> !v.isSnapshot() && v.guid() == guid && names.contains(v.name()))
        .findFirst();
  }

  /**
   * The replication cursor's property (the guid of the snapshot the destination has last received)
   * and the step mark (the snapshots a step in flight holds, comma-separated), as listed; the marks
   * an earlier version wrote for the same destination under names of an older form (property name
   * to value), which the replication retires once it has written the cursor; and the short names of
   * the destination's cursor bookmarks among the filesystem's bookmarks (ZFS with bookmarks).
   */
  public record Marks(
      Optional<String> cursor,
      Optional<String> step,
      Map<String, String> legacy,
      List<String> cursorBookmarks) {
    public static final Marks NONE = new Marks(Optional.empty(), Optional.empty());

    public Marks {
      Objects.requireNonNull(cursor, "cursor");
      Objects.requireNonNull(step, "step");
      legacy = Map.copyOf(legacy);
      cursorBookmarks = List.copyOf(cursorBookmarks);
    }

    /** Marks without cursor bookmarks. */
    public Marks(Optional<String> cursor, Optional<String> step, Map<String, String> legacy) {
      this(cursor, step, legacy, List.of());
    }

    /** Marks with nothing left in an older form, without cursor bookmarks. */
    public Marks(Optional<String> cursor, Optional<String> step) {
      this(cursor, step, Map.of());
    }
  }
}
