package org.zfleet.prune;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.zfleet.model.FilesystemVersion;

/**
 * The snapshot list of {@code zfleet test prune --snapshots FILE}: one snapshot a line, {@code
 * <name><TAB><creation>} with the short name (after '@') and the creation as an ISO-8601 instant
 * ({@code 2026-11-28T13:32:19Z}, or with an offset). Blank lines and lines starting with {@code #}
 * are ignored.
 */
public sealed interface OfflineSnapshotList {

  /**
   * Parses the file's text. Every bad line is reported, not only the first. The snapshots get
   * synthetic GUIDs and createtxgs (1, 2, ...) in order of creation, then name.
   */
  static OfflineSnapshotList parse(String text) {
    Objects.requireNonNull(text, "text");
    List<LineError> errors = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Instant> creations = new ArrayList<>();
    Map<String, Integer> lineOfName = new HashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNumber = i + 1;
      String line =
          lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      if (fields.length != 2) {
        errors.add(
            new LineError(
                lineNumber,
                "expected <name><TAB><creation>, found "
                    + (fields.length - 1)
                    + " tabs in \""
                    + line
                    + "\""));
        continue;
      }
      String name = fields[0];
      String problem = nameProblem(name);
      if (problem != null) {
        errors.add(new LineError(lineNumber, problem));
        continue;
      }
      Instant creation;
      try {
        creation = Instant.parse(fields[1].strip());
      } catch (DateTimeParseException e) {
        errors.add(
            new LineError(
                lineNumber,
                "creation \""
                    + fields[1].strip()
                    + "\" is not an ISO-8601 instant such as 2026-11-28T13:32:19Z"));
        continue;
      }
      Integer earlier = lineOfName.putIfAbsent(name, lineNumber);
      if (earlier != null) {
        errors.add(
            new LineError(lineNumber, "snapshot " + name + " already listed on line " + earlier));
        continue;
      }
      names.add(name);
      creations.add(creation);
    }
    if (!errors.isEmpty()) {
      return new Invalid(errors);
    }
    return new Parsed(numbered(names, creations));
  }

  private static String nameProblem(String name) {
    if (name.indexOf('@') >= 0) {
      return "\"" + name + "\": give the snapshot name without the dataset (the part after '@')";
    }
    try {
      FilesystemVersion.snapshot(name, 0, 0, Instant.EPOCH);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static List<FilesystemVersion> numbered(List<String> names, List<Instant> creations) {
    List<Integer> byAge = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      byAge.add(i);
    }
    byAge.sort(
        (a, b) -> {
          int c = creations.get(a).compareTo(creations.get(b));
          return c != 0 ? c : names.get(a).compareTo(names.get(b));
        });
    long[] number = new long[names.size()];
    for (int rank = 0; rank < byAge.size(); rank++) {
      number[byAge.get(rank)] = rank + 1;
    }
    List<FilesystemVersion> out = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      out.add(FilesystemVersion.snapshot(names.get(i), number[i], number[i], creations.get(i)));
    }
    return out;
  }

  /** The snapshots, in the order of the file. */
  record Parsed(List<FilesystemVersion> snapshots) implements OfflineSnapshotList {
    public Parsed {
      snapshots = List.copyOf(snapshots);
    }
  }

  /** Nothing usable: every bad line, in file order. */
  record Invalid(List<LineError> errors) implements OfflineSnapshotList {
    public Invalid {
      errors = List.copyOf(errors);
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("an invalid list has at least one error");
      }
    }
  }

  /** One bad line; {@link #toString()} reads {@code line 3: ...}. */
  record LineError(int line, String problem) {
    public LineError {
      Objects.requireNonNull(problem, "problem");
    }

    @Override
    public String toString() {
      return "line " + line + ": " + problem;
    }
  }
}
