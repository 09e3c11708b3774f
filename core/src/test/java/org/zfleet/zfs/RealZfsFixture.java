package org.zfleet.zfs;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.zfleet.model.DatasetName;

/**
 * Real ZFS for integration tests: checks the test pools exist (failing, never skipping, with what
 * to run), hands out uniquely named scratch filesystems, reads and writes data through their
 * mountpoints, and destroys what it made with {@code zfs destroy -r} run directly. Its static
 * methods are zfs-fuse's on this host; an instance works on the {@link RealZfs} it is given
 * (zfs-fuse by default, or the OpenZFS guest).
 */
public final class RealZfsFixture {

  /**
   * The two test pools: {@code zfleet_t1} and {@code zfleet_t2}, or the two names in {@code
   * ZFLEET_TEST_POOLS} (space-separated), so that several checkouts can test on one zfs-fuse daemon
   * at once (each creates its own pools with {@code ZFLEET_POOLS=... deploy/zfs-fuse.sh up}).
   */
  public static final String POOL_1 = testPools()[0];

  public static final String POOL_2 = testPools()[1];

  private static final String HOW = "real ZFS is needed: run deploy/zfs-fuse.sh up (as root)";

  private final RealZfs zfs;
  private final List<DatasetName> made = new ArrayList<>();

  /** A fixture on zfs-fuse. */
  public RealZfsFixture() {
    this(null);
  }

  /** A fixture on {@code zfs} (zfs-fuse when null). */
  public RealZfsFixture(RealZfs zfs) {
    this.zfs = zfs;
  }

  private RealZfs zfs() {
    return zfs == null ? RealZfs.zfsFuse() : zfs;
  }

  private static String[] testPools() {
    String configured = System.getenv("ZFLEET_TEST_POOLS");
    if (configured == null || configured.isBlank()) {
      return new String[] {"zfleet_t1", "zfleet_t2"};
    }
    String[] pools = configured.strip().split("\\s+");
    if (pools.length != 2) {
      throw new IllegalStateException(
          "ZFLEET_TEST_POOLS must name two pools, space-separated: \"" + configured + "\"");
    }
    return pools;
  }

  /** Fails the test unless zfs answers and both test pools are imported. */
  public static void requirePools() {
    Result r = run(List.of("zpool", "list", "-H", "-o", "name"));
    if (r.code != 0) {
      fail(HOW + "; zpool list said: " + r.output.strip());
    }
    for (String pool : List.of(POOL_1, POOL_2)) {
      if (r.output.lines().noneMatch(pool::equals)) {
        fail(HOW + "; pool " + pool + " is missing (zpool list: " + r.output.strip() + ")");
      }
    }
  }

  /**
   * A new filesystem {@code pool/<prefix>-<random>} with atime off: reading data through the
   * mountpoint must not count as a change, or the next incremental receive would be refused.
   */
  public DatasetName scratch(String pool, String prefix) {
    String unique =
        prefix + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    DatasetName name = DatasetName.of(pool + "/" + unique);
    Result r = zfs().run(List.of("zfs", "create", "-o", "atime=off", name.value()));
    if (r.code != 0) {
      fail("cannot create " + name + ": " + r.output.strip());
    }
    made.add(name);
    return name;
  }

  /** Destroys every scratch filesystem, retrying while zfs-fuse still calls it busy. */
  public void destroyAll() {
    List<String> failures = new ArrayList<>();
    for (DatasetName d : made) {
      Result r = null;
      for (int attempt = 0; attempt < 20; attempt++) {
        r = zfs().run(List.of("zfs", "destroy", "-r", d.value()));
        if (r.code == 0 || r.output.contains("does not exist")) {
          r = null;
          break;
        }
        sleep(250);
      }
      if (r != null) {
        failures.add(d + ": " + r.output.strip());
      }
    }
    made.clear();
    if (!failures.isEmpty()) {
      fail("could not clean up: " + failures);
    }
  }

  public static void writeFile(DatasetName fs, String name, byte[] data) {
    try {
      Files.write(mountpoint(fs).resolve(name), data);
    } catch (IOException e) {
      throw new AssertionError("cannot write " + name + " into " + fs, e);
    }
  }

  public static Optional<byte[]> readFile(DatasetName fs, String name) {
    try {
      return Optional.of(Files.readAllBytes(mountpoint(fs).resolve(name)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new AssertionError("cannot read " + name + " from " + fs, e);
    }
  }

  public static Path mountpoint(DatasetName fs) {
    Result r = run(List.of("zfs", "get", "-H", "-o", "value", "mountpoint", fs.value()));
    String mountpoint = r.output.strip();
    if (r.code != 0 || !mountpoint.startsWith("/")) {
      throw new AssertionError(fs + " has no usable mountpoint: " + r.output.strip());
    }
    return Path.of(mountpoint);
  }

  /**
   * A command's exit code (-1 if it could not run or did not end) and its output, stderr included.
   */
  public record Result(int code, String output) {}

  /** The bytes of {@code zfs send ARGS}, made directly as any sender (a modified one too) can. */
  public static byte[] sendBytes(String... args) {
    List<String> command = new ArrayList<>(List.of("zfs", "send"));
    command.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        fail(String.join(" ", command) + " failed");
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs a command directly (never through the code under test), with a 60 s deadline. */
  public static Result run(List<String> command) {
    return exec(command, null);
  }

  /** {@link #run} with {@code input} (if not null) as the command's standard input. */
  static Result exec(List<String> command, byte[] input) {
    Bytes r = execute(command, input, true);
    return new Result(r.code(), new String(r.stdout(), StandardCharsets.UTF_8));
  }

  /** A command's exit code (-1 if it could not run or did not end) and its standard output. */
  record Bytes(int code, byte[] stdout) {}

  /** Runs a command directly, with a 60 s deadline; its stderr is dropped. */
  static Bytes execBytes(List<String> command) {
    return execute(command, null, false);
  }

  private static Bytes execute(List<String> command, byte[] input, boolean withStderr) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command);
      if (withStderr) {
        builder.redirectErrorStream(true);
      } else {
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
      }
      Process p = builder.start();
      // Written by another thread: a command that answers before reading all of it must not
      // block this one.
      Thread writer =
          new Thread(
              () -> {
                try (var stdin = p.getOutputStream()) {
                  if (input != null) {
                    stdin.write(input);
                  }
                } catch (IOException closedEarly) {
                  // the command's exit code says what went wrong
                }
              });
      writer.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Bytes(
            -1,
            (String.join(" ", command) + ": no answer in 60 s").getBytes(StandardCharsets.UTF_8));
      }
      writer.join();
      return new Bytes(p.exitValue(), out);
    } catch (IOException e) {
      return new Bytes(
          -1, (String.join(" ", command) + ": " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Bytes(-1, "interrupted".getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
