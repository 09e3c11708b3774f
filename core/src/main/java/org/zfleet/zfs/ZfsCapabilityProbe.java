package org.zfleet.zfs;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a {@code zfs} binary can do from its usage text ({@code zfs} without arguments prints
 * it to stderr) and from {@code zfs holds} without arguments. Each capability is read from the
 * usage line of the command that has it, so a ZFS with some of them gets exactly those.
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
  // OpenZFS: "destroy [-dnpRrv] <filesystem|volume>@<snap>[%<snap>][,...]"; zfs-fuse: "destroy
  // [-rRd] <snapshot>".
  private static final Pattern DESTROY_LIST =
      Pattern.compile("(?m)^\\s*destroy\\s.*@<snap>.*\\[,\\.\\.\\.\\]");
  // The options of every "send [-...]" line: OpenZFS "send [-DLPbcehnpsVvw] ...", zfs-fuse "send
  // [-RDp] ...".
  private static final Pattern SEND_OPTIONS =
      Pattern.compile("(?m)^\\s*send\\s+\\[-([A-Za-z]+)\\]");
  private static final Pattern LOAD_KEY = Pattern.compile("(?m)^\\s*load-key\\s");

  private ZfsCapabilityProbe() {}

  /**
   * @param holdsAnswered what {@link #holdsAnswered} said of {@code zfs holds} without arguments
   */
  static ZfsCapabilities fromUsage(String usage, boolean holdsAnswered) {
    boolean holds = HOLDS.matcher(usage).find() && holdsAnswered;
    String sendOptions = sendOptions(usage);
    Set<SendFlag> flags = EnumSet.noneOf(SendFlag.class);
    for (SendFlag f : SendFlag.values()) {
      if (sendOptions.indexOf(f.option().charAt(1)) >= 0) {
        flags.add(f);
      }
    }
    return new ZfsCapabilities(
        BOOKMARK.matcher(usage).find(),
        RESUMABLE.matcher(usage).find(),
        LIST_PARSABLE.matcher(usage).find(),
        SEVERAL_SNAPSHOTS.matcher(usage).find(),
        holds,
        DESTROY_LIST.matcher(usage).find(),
        sendOptions.indexOf('n') >= 0 && sendOptions.indexOf('P') >= 0,
        flags,
        LOAD_KEY.matcher(usage).find());
  }

  /** The option letters of the first {@code send} usage line (the general form). */
  private static String sendOptions(String usage) {
    Matcher m = SEND_OPTIONS.matcher(usage);
    return m.find() ? m.group(1) : "";
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

  /**
   * Runs {@code zfs} and, if its usage lists it, {@code zfs holds}, and reads the capabilities from
   * their answers; fails with the typed error when what answers is not a zfs usage text.
   */
  static ZfsCapabilities probe(ZfsCliConfig config, ProcessRunner runner) {
    String zfs = config.zfsBinary().toString();
    ProcessResult usage = runner.run(List.of(zfs), config.commandTimeout());
    String text = usage.stderr() + usage.stdout();
    if (!ZfsCapabilityProbe.looksLikeUsage(text)) {
      throw ZfsErrorClassifier.classify(
          "(usage)", "probe", usage.command(), usage.exitCode(), usage.stderr());
    }
    boolean holdsWork = false;
    if (text.contains("holds")) {
      ProcessResult holds = runner.run(List.of(zfs, "holds"), config.commandTimeout());
      holdsWork =
          ZfsCapabilityProbe.holdsAnswered(holds.exitCode(), holds.stdout() + holds.stderr());
    }
    return ZfsCapabilityProbe.fromUsage(text, holdsWork);
  }
}
