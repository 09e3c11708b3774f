package org.zfleet.zfs;

import java.util.List;
import java.util.Locale;

/**
 * Turns a failed {@code zfs} command into the typed {@link ZfsException} its stderr describes, with
 * a one-line message naming the command and its subject. Texts are those of zfs-fuse's libzfs (run
 * with LC_ALL=C) and of OpenZFS where they differ.
 */
final class ZfsErrorClassifier {

  static final String DAEMON_HINT =
      "the zfs-fuse daemon is not running: start it (deploy/zfs-fuse.sh up, or zfs-fuse as root)";
  private static final int MAX_DETAIL = 400;

  private ZfsErrorClassifier() {}

  /**
   * @param verb the zfs subcommand ("destroy", "receive", ...)
   * @param subject the dataset or snapshot the command is about
   */
  static ZfsException classify(
      String verb, String subject, List<String> command, int exitCode, String stderr) {
    String detail = oneLine(stderr);
    if (detail.isEmpty()) {
      detail = "exit code " + exitCode + " without a message";
    }
    // zfs wraps long messages over lines: match on the joined text.
    String text = detail.toLowerCase(Locale.ROOT);
    String prefix = "zfs " + verb + " " + subject + ": ";
    if (daemonDown(text)) {
      return new ZfsException.Unavailable(
          prefix + DAEMON_HINT + " (" + detail + ")", command, stderr, null);
    }
    if (text.contains("zfs modules are not loaded") || text.contains("/dev/zfs")) {
      return new ZfsException.Unavailable(
          prefix + "the ZFS kernel module is not loaded (" + detail + ")", command, stderr, null);
    }
    if (verb.equals("receive") || verb.equals("send")) {
      ZfsException stream = classifyStream(prefix + detail, command, stderr, text);
      if (stream != null) {
        return stream;
      }
    }
    String message = prefix + detail;
    if (text.contains("is busy")
        || text.contains("dataset is held")
        || text.contains("it's being held")) {
      return new ZfsException.Busy(message, command, stderr);
    }
    if (text.contains("already exists")
        || text.contains("dataset exists")
        || text.contains("pool or dataset exists")
        || text.contains("bookmark exists")) {
      return new ZfsException.AlreadyExists(message, command, stderr);
    }
    if (text.contains("does not exist")
        || text.contains("no such pool")
        || text.contains("no such parent")
        || text.contains("no such dataset")
        || text.contains("could not find any snapshots to destroy")) {
      return new ZfsException.NotFound(message, command, stderr);
    }
    if (text.contains("permission denied") || text.contains("operation not permitted")) {
      return new ZfsException.PermissionDenied(message, command, stderr);
    }
    if (text.contains("unrecognized command")
        || text.contains("invalid option")
        || text.contains("operation not supported")
        || text.contains("pool must be upgraded")
        || text.contains("unsupported version")) {
      return new ZfsException.Unsupported(message, command, stderr);
    }
    return new ZfsException.Failed(message, command, stderr);
  }

  private static ZfsException classifyStream(
      String message, List<String> command, String stderr, String text) {
    if (text.contains("cannot receive resume stream")) {
      // OpenZFS says "kernel modules must be upgraded" for a stream that does not continue the
      // target's partial receive.
      return new ZfsException.ResumeFailed(
          message
              + " (the resumed stream does not continue the target's partial receive: a token of"
              + " another stream?)",
          command,
          stderr);
    }
    if (text.contains("resume token is corrupt")
        || text.contains("used in the initial send no longer exists")
        || text.contains("cannot resume send")) {
      return new ZfsException.ResumeFailed(message, command, stderr);
    }
    if (text.contains("partially-complete state")) {
      return new ZfsException.PartialReceive(
          message + " (resume it with its token, or abort it with receive -A)", command, stderr);
    }
    if (text.contains("key must be loaded")) {
      return new ZfsException.Encryption(
          message + " (send it raw, send -w, or load its key)", command, stderr);
    }
    if (text.contains("raw receive on top of existing unencrypted")
        || text.contains("cannot be set or excluded for raw streams")
        || text.contains("raw receive")) {
      return new ZfsException.Encryption(message, command, stderr);
    }
    if (text.contains("destination has snapshots")
        || text.contains("must specify -f")
        || text.contains("destination already exists")
        || text.matches("(?s).*destination '[^']*' exists.*")) {
      return new ZfsException.AlreadyExists(message, command, stderr);
    }
    if (text.contains("invalid backup stream")
        || text.contains("invalid stream")
        || text.contains("does not match incremental source")
        || text.contains("has been modified")
        || text.contains("failed to read from stream")
        || text.contains("incomplete stream")
        || text.contains("invalid substream")
        || text.contains("checksum mismatch")
        || text.contains("broken pipe")
        || text.contains("not an earlier snapshot")
        || text.contains("stream has unsupported")) {
      return new ZfsException.StreamFailed(message, command, stderr);
    }
    return null;
  }

  static boolean daemonDown(String lowerCaseStderr) {
    return lowerCaseStderr.contains("zfs-fuse daemon is running")
        || lowerCaseStderr.contains("failed to initialize zfs library");
  }

  /** The stderr as one line: usage texts cut off, lines joined, bounded. */
  static String oneLine(String stderr) {
    String text = stderr == null ? "" : stderr;
    int usage = text.indexOf("\nusage:");
    if (usage >= 0) {
      text = text.substring(0, usage);
    } else if (text.startsWith("usage:")) {
      text = "";
    }
    String joined = text.strip().replaceAll("\\s*\\R\\s*", " ").replace('\t', ' ');
    return joined.length() <= MAX_DETAIL ? joined : joined.substring(0, MAX_DETAIL) + " ...";
  }
}
