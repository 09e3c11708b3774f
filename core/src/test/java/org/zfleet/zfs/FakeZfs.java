package org.zfleet.zfs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A stand-in {@code zfs} binary for tests of {@link ZfsCli}: a bash script in a temporary directory
 * that logs each invocation's arguments to {@code calls.log} and then runs the given body. Without
 * arguments it prints zfs-fuse's usage text to stderr, as the real one does.
 */
final class FakeZfs {

  private final Path dir;
  private final Path binary;

  private FakeZfs(Path dir, Path binary) {
    this.dir = dir;
    this.binary = binary;
  }

  /**
   * @param body bash run after logging; {@code $DIR} is the script's directory, {@code $1} the
   *     subcommand
   */
  static FakeZfs create(Path dir, String body) {
    return write(dir, "if [ $# -eq 0 ]; then cat \"$DIR/usage.txt\" >&2; exit 2; fi\n" + body);
  }

  /** Like {@link #create} but the body answers the call without arguments too. */
  static FakeZfs createAnsweringUsage(Path dir, String body) {
    return write(dir, body);
  }

  private static FakeZfs write(Path dir, String body) {
    try {
      Path usage = dir.resolve("usage.txt");
      try (InputStream in = FakeZfs.class.getResourceAsStream("zfs-fuse-usage.txt")) {
        Files.write(usage, in.readAllBytes());
      }
      Path script = dir.resolve("zfs");
      String text =
          "#!/bin/bash\n"
              + "DIR='"
              + dir
              + "'\n"
              + "[ $# -gt 0 ] && printf '%s\\n' \"$*\" >> \"$DIR/calls.log\"\n"
              + body
              + "\n";
      Files.writeString(script, text);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      return new FakeZfs(dir, script);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path binary() {
    return binary;
  }

  Path dir() {
    return dir;
  }

  /** The argument lines of every invocation with arguments, in order. */
  List<String> calls() {
    try {
      Path log = dir.resolve("calls.log");
      return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A process id the script wrote to {@code name} in its directory. */
  long pid(String name) {
    try {
      return Long.parseLong(Files.readString(dir.resolve(name)).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True if the process exists and is not a zombie waiting to be reaped. */
  static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }
}
