package org.zfleet.node.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secret every request to the daemon's local HTTP endpoints carries ({@code Authorization:
 * Bearer <token>}): 32 random bytes, hex, in {@code <data-dir>/control.token}, readable by its
 * owner only. The daemon makes it at start when missing; the command line reads it. Another local
 * user cannot read it, and a web page cannot send it: a browser form sets no {@code Authorization}
 * header, and a script from another origin would need a CORS preflight that zfleet never answers.
 */
public final class ControlToken {

  private static final Logger log = LoggerFactory.getLogger(ControlToken.class);

  public static final String FILE = "control.token";

  private static final String SCHEME = "Bearer ";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final byte[] token;

  private ControlToken(String token) {
    this.token = token.getBytes(StandardCharsets.US_ASCII);
  }

  /** A token made for tests or for one run; not written anywhere. */
  public static ControlToken random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return new ControlToken(HexFormat.of().formatHex(bytes));
  }

  /**
   * The daemon's token: read from {@code dataDir}, or made there if missing, or made anew if the
   * file there is not this user's own regular file (someone else could know it). Makes {@code
   * dataDir} (0700) if missing and refuses one that other users may write to.
   */
  public static ControlToken createOrLoad(Path dataDir) throws IOException {
    if (!Files.isDirectory(dataDir)) {
      Files.createDirectories(
          dataDir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Set<PosixFilePermission> dirPermissions = Files.getPosixFilePermissions(dataDir);
    if (dirPermissions.contains(PosixFilePermission.GROUP_WRITE)
        || dirPermissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IOException(
          "data-dir " + dataDir + " is writable by other users; run chmod go-w " + dataDir);
    }
    Path file = dataDir.resolve(FILE);
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<ControlToken> existing = ownFile(file);
      if (existing.isPresent()) {
        return existing.get();
      }
      ControlToken made = random();
      Path temporary = Files.createTempFile(dataDir, ".control-token", ".tmp");
      try {
        Files.setPosixFilePermissions(temporary, OWNER_ONLY);
        Files.write(temporary, made.token);
        // A hard link never replaces: of two daemons starting at once, one token wins.
        Files.createLink(file, temporary);
        log.info("made the control token file={}", file);
        return made;
      } catch (FileAlreadyExistsException raced) {
        // the other daemon's token is there now: read it
      } finally {
        Files.deleteIfExists(temporary);
      }
    }
    throw new IOException("cannot make the control token " + file);
  }

  /** The token as the command line reads it; says how to fix what prevents it. */
  public static ControlToken load(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (text.isEmpty()) {
        throw new IOException("the control token " + file + " is empty");
      }
      return new ControlToken(text);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException(
          "no control token at " + file + " (the daemon makes it when it starts)", e);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new IOException(
          "cannot read the control token " + file + ": permission denied (run zfleet as root)", e);
    }
  }

  /** This user's own regular file, owner-only (permissions tightened if need be), or empty. */
  private static Optional<ControlToken> ownFile(Path file) throws IOException {
    PosixFileAttributes attributes;
    try {
      attributes =
          Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .readAttributes();
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    }
    String me = System.getProperty("user.name");
    if (!attributes.isRegularFile() || !attributes.owner().getName().equals(me)) {
      log.warn(
          "replacing the control token file={}: it is not {}'s own regular file (owner {})",
          file,
          me,
          attributes.owner().getName());
      Files.delete(file);
      return Optional.empty();
    }
    if (attributes.permissions().stream().anyMatch(p -> !p.name().startsWith("OWNER_"))) {
      log.warn(
          "replacing the control token file={}: other users could read it (permissions {})",
          file,
          PosixFilePermissions.toString(attributes.permissions()));
      Files.delete(file);
      return Optional.empty();
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    return text.isEmpty() ? Optional.empty() : Optional.of(new ControlToken(text));
  }

  /** The value of the {@code Authorization} header that carries this token. */
  public String header() {
    return SCHEME + new String(token, StandardCharsets.US_ASCII);
  }

  /** True if {@code authorization} (the header's value, if any) carries this token. */
  public boolean admits(Optional<String> authorization) {
    if (authorization.isEmpty() || !authorization.get().startsWith(SCHEME)) {
      return false;
    }
    byte[] offered =
        authorization.get().substring(SCHEME.length()).strip().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(offered, token);
  }
}
