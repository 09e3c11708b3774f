package org.zfleet.zfs;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The {@code receive_resume_token} an interrupted {@code zfs receive -s} left on its target: what
 * {@code zfs send -t} continues from, and what ZFS says is in it.
 *
 * @param token the token as ZFS prints it ({@code <version>-<checksum>-<length>-<data>}, hex);
 *     checked here, because it reaches a command line
 * @param toGuid the guid of the snapshot being received, where ZFS could decode the token
 * @param toName the sender's name of that snapshot ({@code pool/fs@snap}), likewise
 * @param fromGuid the incremental base's guid; empty for a full stream or where unknown
 * @param bytes how many bytes of the stream had arrived; 0 where unknown
 */
public record ResumeToken(
    String token, OptionalLong toGuid, Optional<String> toName, OptionalLong fromGuid, long bytes) {

  private static final Pattern FORM = Pattern.compile("[0-9]+-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+");

  /** Longer than any token a dataset's property can hold. */
  static final int MAX_LENGTH = 1 << 16;

  public ResumeToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(toGuid, "toGuid");
    Objects.requireNonNull(toName, "toName");
    Objects.requireNonNull(fromGuid, "fromGuid");
    String problem = problem(token);
    if (problem != null) {
      throw new IllegalArgumentException("invalid resume token: " + problem);
    }
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
    }
  }

  /** Why {@code token} is not a resume token as ZFS prints them, or null. */
  public static String problem(String token) {
    if (token == null || token.isEmpty()) {
      return "empty";
    }
    if (token.length() > MAX_LENGTH) {
      return "longer than " + MAX_LENGTH + " characters";
    }
    if (!FORM.matcher(token).matches()) {
      return "not of the form <version>-<checksum>-<length>-<data> in lower-case hex";
    }
    return null;
  }

  /** A token of which nothing but its text is known. */
  public static ResumeToken of(String token) {
    return new ResumeToken(token, OptionalLong.empty(), Optional.empty(), OptionalLong.empty(), 0);
  }

  @Override
  public String toString() {
    // Tokens run to hundreds of characters: logs get what is in them.
    return "ResumeToken[to="
        + toName.orElse("?")
        + ", bytes="
        + bytes
        + ", token="
        + token.substring(0, Math.min(24, token.length()))
        + "...]";
  }
}
