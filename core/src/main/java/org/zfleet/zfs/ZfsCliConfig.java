package org.zfleet.zfs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link ZfsCli}: where the binaries are, how long each kind of command may run, and
 * how many {@code zfs} commands may run at once on this node.
 *
 * @param zfsBinary the {@code zfs} command; a bare name is looked up on PATH
 * @param zpoolBinary the {@code zpool} command; a bare name is looked up on PATH
 * @param commandTimeout deadline of one short command (snapshot, destroy, hold, get, ...)
 * @param listTimeout deadline of one subtree listing, which grows with the number of datasets
 * @param transferTimeout deadline of one {@code zfs send} or {@code zfs receive}
 * @param maxConcurrentCommands size of the fair gate short commands and listings pass through;
 *     sends and receives do not count against it
 */
public record ZfsCliConfig(
    Path zfsBinary,
    Path zpoolBinary,
    Duration commandTimeout,
    Duration listTimeout,
    Duration transferTimeout,
    int maxConcurrentCommands) {

  public ZfsCliConfig {
    Objects.requireNonNull(zfsBinary, "zfsBinary");
    Objects.requireNonNull(zpoolBinary, "zpoolBinary");
    requirePositive(commandTimeout, "commandTimeout");
    requirePositive(listTimeout, "listTimeout");
    requirePositive(transferTimeout, "transferTimeout");
    if (maxConcurrentCommands < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentCommands must be at least 1, got " + maxConcurrentCommands);
    }
  }

  /** {@code zfs} and {@code zpool} from PATH, 60 s per command, 10 min per listing, 4 at once. */
  public static ZfsCliConfig defaults() {
    return new ZfsCliConfig(
        Path.of("zfs"),
        Path.of("zpool"),
        Duration.ofSeconds(60),
        Duration.ofMinutes(10),
        Duration.ofHours(24),
        4);
  }

  public ZfsCliConfig withBinaries(Path zfs, Path zpool) {
    return new ZfsCliConfig(
        zfs, zpool, commandTimeout, listTimeout, transferTimeout, maxConcurrentCommands);
  }

  public ZfsCliConfig withTimeouts(Duration command, Duration list, Duration transfer) {
    return new ZfsCliConfig(zfsBinary, zpoolBinary, command, list, transfer, maxConcurrentCommands);
  }

  public ZfsCliConfig withMaxConcurrentCommands(int max) {
    return new ZfsCliConfig(
        zfsBinary, zpoolBinary, commandTimeout, listTimeout, transferTimeout, max);
  }

  private static void requirePositive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
  }
}
