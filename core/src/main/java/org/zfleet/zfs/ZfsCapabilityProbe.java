package org.zfleet.zfs;

import java.util.regex.Pattern;

/**
 * Reads what a {@code zfs} binary can do from its usage text ({@code zfs} without arguments prints
 * it to stderr) and from {@code zfs holds} without arguments.
 */
final class ZfsCapabilityProbe {

  private static final Pattern BOOKMARK = Pattern.compile("(?m)^\\s*bookmark\\s");
  private static final Pattern RESUMABLE =
      Pattern.compile("(?m)^\\s*receive\\s+(-A\\b|\\[-[A-Za-z]*s[A-Za-z]*\\])");
  private static final Pattern LIST_PARSABLE =
      Pattern.compile("(?m)^\\s*list\\s+\\[-[A-Za-z]*p[A-Za-z]*\\]");
  // OpenZFS: "snapshot [-r] [-o property=value] ... <filesystem|volume>@<snap> ..."; zfs-fuse
  // takes exactly one <filesystem@snapname>.
  private static final Pattern SEVERAL_SNAPSHOTS =
      Pattern.compile("(?m)^\\s*snapshot\\s.*>\\s*\\.\\.\\.\\s*$");
  private static final Pattern HOLDS = Pattern.compile("(?m)^\\s*holds\\s");

  private ZfsCapabilityProbe() {}

  /**
   * @param holdsAnswered what {@link #holdsAnswered} said of {@code zfs holds} without arguments
   */
  static ZfsCapabilities fromUsage(String usage, boolean holdsAnswered) {
    boolean holds = HOLDS.matcher(usage).find() && holdsAnswered;
    return new ZfsCapabilities(
        BOOKMARK.matcher(usage).find(),
        RESUMABLE.matcher(usage).find(),
        LIST_PARSABLE.matcher(usage).find(),
        SEVERAL_SNAPSHOTS.matcher(usage).find(),
        holds);
  }

  /**
   * True if {@code zfs holds} without arguments answered like a working command (a usage error),
   * not like zfs-fuse's, which exits with 255 and an internal error about its missing helper
   * script, printed on stdout.
   */
  static boolean holdsAnswered(int exitCode, String output) {
    return exitCode != 255 && !output.contains("internal error") && !output.contains("pyzfs");
  }

  /** True if {@code usage} is a zfs usage text at all (and not, say, a daemon error). */
  static boolean looksLikeUsage(String usage) {
    return usage.contains("usage:") && usage.contains("snapshot");
  }
}
