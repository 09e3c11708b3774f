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

  /**
   * An encrypted dataset used in a way its encryption does not allow: its key is not loaded (a send
   * that is not raw, a receive that is not raw into an encrypted replica), or a raw stream meets an
   * unencrypted replica. Nothing was changed; the message says which.
   */
  public static final class Encryption extends ZfsException {
    public Encryption(String message, List<String> command, String stderr) {
      super(message, command, stderr, null);
    }
  }

  /**
   * A resumable receive cannot be continued: the token is corrupt, names a snapshot the sender no
   * longer has, or the resumed stream does not continue the target's partial receive (a token of
   * another stream). The partial state is kept; abort it to start over.
   */
  public static final class ResumeFailed extends ZfsException {
    public ResumeFailed(String message, List<String> command, String stderr) {
      super(message, command, stderr, null);
    }
  }

  /**
   * The target holds the partial state of an interrupted resumable receive, which a new stream
   * cannot replace: resume it with its token, or abort it first.
   */
  public static final class PartialReceive extends ZfsException {
    public PartialReceive(String message, List<String> command, String stderr) {
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
