package org.zfleet.zfs;

import java.util.List;

/**
 * A ZFS operation that failed, typed by cause so callers can decide (a busy dataset is retried, a
 * missing one replanned), keeping the command line and stderr for the report.
 */
public abstract sealed class ZfsException extends RuntimeException {

  private final List<String> command;
  private final String stderr;

  protected ZfsException(String message, List<String> command, String stderr, Throwable cause) {
    super(message, cause);
    this.command = List.copyOf(command);
    this.stderr = stderr == null ? "" : stderr;
  }

  /** The argument vector that failed, empty for the in-memory model. */
  public List<String> command() {
    return command;
  }

  public String stderr() {
    return stderr;
  }

  /** The dataset, snapshot or bookmark does not exist. */
  public static final class NotFound extends ZfsException {
    public NotFound(String message, List<String> command, String stderr) {
      super(message, command, stderr, null);
    }
  }

  /** Busy or held: try again later, never force. */
  public static final class Busy extends ZfsException {
    public Busy(String message, List<String> command, String stderr) {
      super(message, command, stderr, null);
    }
  }

  public static final class AlreadyExists extends ZfsException {
    public AlreadyExists(String message, List<String> command, String stderr) {
      super(message, command, stderr, null);
    }
  }

  public static final class PermissionDenied extends ZfsException {
    public PermissionDenied(String message, List<String> command, String stderr) {
      super(message, command, stderr, null);
    }
  }

  /** This ZFS lacks the feature (e.g. bookmarks on zfs-fuse). */
  public static final class Unsupported extends ZfsException {
    public Unsupported(String message, List<String> command, String stderr) {
      super(message, command, stderr, null);
    }
  }

  /** No {@code zfs} binary, or its daemon (zfs-fuse) is not running. */
  public static final class Unavailable extends ZfsException {
    public Unavailable(String message, List<String> command, String stderr, Throwable cause) {
      super(message, command, stderr, cause);
    }
  }

  /** The command did not finish within its deadline and was killed with its children. */
  public static final class Timeout extends ZfsException {
    public Timeout(String message, List<String> command, String stderr) {
      super(message, command, stderr, null);
    }
  }

  /** A receive or send that failed on the stream (wrong base, corrupt or truncated stream, ...). */
  public static final class StreamFailed extends ZfsException {
    public StreamFailed(String message, List<String> command, String stderr) {
      super(message, command, stderr, null);
    }
  }

  /** Any other failure. */
  public static final class Failed extends ZfsException {
    public Failed(String message, List<String> command, String stderr) {
      super(message, command, stderr, null);
    }
  }
}
