package org.zfleet.plan;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;

/**
 * Reads the version lists of {@code zfleet test plan --sender FILE --receiver FILE}: one version a
 * line, {@code <@snapshot or #bookmark> TAB <guid> TAB <createtxg> TAB <creation ISO-8601>}, e.g.
 * {@code @daily-1\t1234567890\t42\t2024-05-01T00:00:00Z}. Blank lines and lines starting with
 * {@code #} followed by a space or nothing are comments; {@code #name} is a bookmark. Errors name
 * the line.
 */
public final class VersionListParser {

  private VersionListParser() {}

  /**
   * @throws IllegalArgumentException naming the line of the first malformed entry
   */
  public static List<FilesystemVersion> parse(String text) {
    Objects.requireNonNull(text, "text");
    List<FilesystemVersion> versions = new ArrayList<>();
    Map<String, Integer> lineOfName = new HashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNumber = i + 1;
      String line =
          lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (isBlankOrComment(line)) {
        continue;
      }
      FilesystemVersion version = parseLine(line, lineNumber);
      Integer earlier = lineOfName.putIfAbsent(version.relativeName(), lineNumber);
      if (earlier != null) {
        throw error(
            lineNumber,
            version.relativeName() + " is listed twice (first on line " + earlier + ")");
      }
      versions.add(version);
    }
    return List.copyOf(versions);
  }

  private static boolean isBlankOrComment(String line) {
    String trimmed = line.strip();
    return trimmed.isEmpty()
        || trimmed.equals("#")
        || trimmed.startsWith("# ")
        || trimmed.startsWith("#\t");
  }

  private static FilesystemVersion parseLine(String line, int lineNumber) {
    String[] fields = line.split("\t", -1);
    if (fields.length != 4) {
      throw error(
          lineNumber,
          "expected 4 tab-separated fields (<@snapshot or #bookmark>, guid, createtxg, creation),"
              + " found "
              + fields.length);
    }
    String relative = fields[0].strip();
    FilesystemVersion.Kind kind;
    if (relative.startsWith("@")) {
      kind = FilesystemVersion.Kind.SNAPSHOT;
    } else if (relative.startsWith("#")) {
      kind = FilesystemVersion.Kind.BOOKMARK;
    } else {
      throw error(
          lineNumber, "\"" + relative + "\" must start with '@' (snapshot) or '#' (bookmark)");
    }
    String name = relative.substring(1);
    String nameProblem = SnapshotName.shortNameProblem(name);
    if (nameProblem != null) {
      throw error(lineNumber, "invalid name \"" + relative + "\": " + nameProblem);
    }
    long guid = parseGuid(fields[1].strip(), lineNumber);
    long createTxg = parseTxg(fields[2].strip(), lineNumber);
    OffsetDateTime creation;
    try {
      creation = OffsetDateTime.parse(fields[3].strip());
    } catch (DateTimeParseException e) {
      throw error(
          lineNumber,
          "creation \""
              + fields[3].strip()
              + "\" is not an ISO-8601 date-time with offset, e.g. 2024-05-01T00:00:00Z");
    }
    return new FilesystemVersion(name, kind, guid, createTxg, creation.toInstant());
  }

  private static long parseGuid(String text, int lineNumber) {
    try {
      return Long.parseUnsignedLong(text);
    } catch (NumberFormatException e) {
      throw error(lineNumber, "guid \"" + text + "\" is not an unsigned 64-bit decimal number");
    }
  }

  private static long parseTxg(String text, int lineNumber) {
    try {
      long txg = Long.parseLong(text);
      if (txg < 0) {
        throw new NumberFormatException();
      }
      return txg;
    } catch (NumberFormatException e) {
      throw error(lineNumber, "createtxg \"" + text + "\" is not a non-negative decimal number");
    }
  }

  private static IllegalArgumentException error(int lineNumber, String message) {
    return new IllegalArgumentException("line " + lineNumber + ": " + message);
  }
}
