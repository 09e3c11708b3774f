package org.zfleet.zfs;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.zfleet.model.DatasetName;

/**
 * A real ZFS the integration tests run against: zfs-fuse on this host, or OpenZFS in the guest of
 * {@code deploy/openzfs-vm.sh}. Either way its {@code zfs} and {@code zpool} programs, its two test
 * pools, and a way to run a command where the pools' files are (the host, or the guest through its
 * {@code guest} wrapper), so tests can write and read data below mountpoints.
 *
 * @param zfs the {@code zfs} program (a wrapper for the guest)
 * @param zpool the {@code zpool} program
 * @param shellPrefix what runs a command where the mountpoints are: empty on the host
 * @param pools the two test pools
 * @param how what to run when this ZFS is not ready
 */
public record RealZfs(
    String name, Path zfs, Path zpool, List<String> shellPrefix, List<String> pools, String how) {

  private static final RealZfs ZFS_FUSE =
      new RealZfs(
          "zfs-fuse",
          Path.of("zfs"),
          Path.of("zpool"),
          List.of(),
          List.of(RealZfsFixture.POOL_1, RealZfsFixture.POOL_2),
          "real ZFS is needed: run deploy/zfs-fuse.sh up (as root)");

  /** zfs-fuse on this host, with the pools of {@code ZFLEET_TEST_POOLS}. */
  public static RealZfs zfsFuse() {
    return ZFS_FUSE;
  }

  /**
   * OpenZFS in the guest of {@code deploy/openzfs-vm.sh up}: its wrappers and pools under {@code
   * ZFLEET_OPENZFS_DIR} (default {@code /var/tmp/zfleet-openzfs}), the same variable the script
   * reads. Fails the calling test, saying what to run, when the guest is not up.
   */
  public static RealZfs openZfs() {
    String configured = System.getenv("ZFLEET_OPENZFS_DIR");
    Path dir =
        Path.of(
            configured == null || configured.isBlank() ? "/var/tmp/zfleet-openzfs" : configured);
    String how =
        "the OpenZFS guest is needed: run "
            + (configured == null || configured.isBlank()
                ? ""
                : "ZFLEET_OPENZFS_DIR=" + configured + " ")
            + "bash deploy/openzfs-vm.sh up (as root; the first run builds its image, about 10 min)";
    Path bin = dir.resolve("bin");
    List<String> pools = List.of();
    try {
      pools = Files.readAllLines(dir.resolve("pools")).stream().filter(l -> !l.isBlank()).toList();
    } catch (IOException notUp) {
      fail(how + " (no " + dir.resolve("pools") + ")");
    }
    if (pools.size() < 2 || !Files.isExecutable(bin.resolve("zfs"))) {
      fail(how + " (" + dir + " has no wrappers or fewer than two pools)");
    }
    RealZfs guest =
        new RealZfs(
            "OpenZFS guest",
            bin.resolve("zfs"),
            bin.resolve("zpool"),
            List.of(bin.resolve("guest").toString()),
            pools.subList(0, 2),
            how);
    guest.requirePools();
    return guest;
  }

  public String pool1() {
    return pools.get(0);
  }

  public String pool2() {
    return pools.get(1);
  }

  /** Fails the test unless zfs answers and both test pools are imported. */
  public void requirePools() {
    RealZfsFixture.Result r = run(List.of("zpool", "list", "-H", "-o", "name"));
    if (r.code() != 0) {
      fail(how + "; zpool list said: " + r.output().strip());
    }
    for (String pool : pools) {
      if (r.output().lines().noneMatch(pool::equals)) {
        fail(how + "; pool " + pool + " is missing (zpool list: " + r.output().strip() + ")");
      }
    }
  }

  /** The configuration of a {@link ZfsCli} over this ZFS. */
  public ZfsCliConfig cliConfig() {
    return ZfsCliConfig.defaults().withBinaries(zfs, zpool);
  }

  /**
   * Runs {@code zfs ...} or {@code zpool ...} (the first word replaced by this ZFS's program), or
   * any other command where the pools are, directly (never through the code under test).
   */
  public RealZfsFixture.Result run(List<String> command) {
    return run(command, null);
  }

  /** {@link #run(List)} with {@code input} as its standard input. */
  public RealZfsFixture.Result run(List<String> command, byte[] input) {
    List<String> full = new ArrayList<>();
    String first = command.get(0);
    if (first.equals("zfs")) {
      full.add(zfs.toString());
    } else if (first.equals("zpool")) {
      full.add(zpool.toString());
    } else {
      full.addAll(shellPrefix);
      full.add(first);
    }
    full.addAll(command.subList(1, command.size()));
    return RealZfsFixture.exec(full, input);
  }

  /** {@code zfs args...}, failing the test on an error; its output. */
  public String zfs(String... args) {
    List<String> command = new ArrayList<>(List.of("zfs"));
    command.addAll(List.of(args));
    RealZfsFixture.Result r = run(command);
    if (r.code() != 0) {
      throw new AssertionError(name + ": " + command + " failed: " + r.output().strip());
    }
    return r.output();
  }

  public String mountpoint(DatasetName fs) {
    RealZfsFixture.Result r =
        run(List.of("zfs", "get", "-H", "-o", "value", "mountpoint", fs.value()));
    String mountpoint = r.output().strip();
    if (r.code() != 0 || !mountpoint.startsWith("/")) {
      throw new AssertionError(fs + " has no usable mountpoint: " + mountpoint);
    }
    return mountpoint;
  }

  public void writeFile(DatasetName fs, String name, byte[] data) {
    String path = mountpoint(fs) + "/" + name;
    RealZfsFixture.Result r =
        run(
            List.of("sh", "-c", "mkdir -p \"$(dirname \"$1\")\" && cat > \"$1\"", "sh", path),
            data);
    if (r.code() != 0) {
      throw new AssertionError("cannot write " + path + ": " + r.output().strip());
    }
  }

  public Optional<byte[]> readFile(DatasetName fs, String name) {
    String path = mountpoint(fs) + "/" + name;
    RealZfsFixture.Bytes r =
        RealZfsFixture.execBytes(
            command(List.of("sh", "-c", "test -f \"$1\" || exit 3; cat \"$1\"", "sh", path)));
    if (r.code() == 3) {
      return Optional.empty();
    }
    if (r.code() != 0) {
      throw new AssertionError("cannot read " + path + ": exit code " + r.code());
    }
    return Optional.of(r.stdout());
  }

  /** SHA-256 of every regular file below a filesystem's mountpoint, by relative path. */
  public Map<String, String> contents(DatasetName fs) {
    String root = mountpoint(fs);
    RealZfsFixture.Result r =
        run(
            List.of(
                "sh",
                "-c",
                "cd \"$1\" && find . -type f -print0 | xargs -0 -r sha256sum",
                "sh",
                root));
    if (r.code() != 0) {
      throw new AssertionError("cannot read " + root + ": " + r.output().strip());
    }
    Map<String, String> out = new TreeMap<>();
    for (String line : r.output().split("\n")) {
      if (line.length() > 66) {
        // "<64 hex>  ./path"
        out.put(line.substring(68), line.substring(0, 64));
      }
    }
    return out;
  }

  // ---- what integration tests check replicas with

  public boolean exists(DatasetName fs) {
    return run(List.of("zfs", "list", "-H", "-o", "name", fs.value())).code() == 0;
  }

  /** Short names of a filesystem's own snapshots, oldest first; empty if it does not exist. */
  public List<String> snapshots(DatasetName fs) {
    if (!exists(fs)) {
      return List.of();
    }
    return zfs(
            "list", "-H", "-d", "1", "-t", "snapshot", "-o", "name", "-s", "createtxg", fs.value())
        .lines()
        .filter(l -> !l.isBlank())
        .map(l -> l.substring(l.indexOf('@') + 1))
        .toList();
  }

  /** Short names of a filesystem's bookmarks, oldest first; empty where there are none. */
  public List<String> bookmarks(DatasetName fs) {
    if (!exists(fs) || name.equals("zfs-fuse")) {
      return List.of();
    }
    return zfs(
            "list", "-H", "-d", "1", "-t", "bookmark", "-o", "name", "-s", "createtxg", fs.value())
        .lines()
        .filter(l -> !l.isBlank())
        .map(l -> l.substring(l.indexOf('#') + 1))
        .toList();
  }

  /** Whether this ZFS has bookmarks (OpenZFS; not zfs-fuse). */
  public boolean hasBookmarks() {
    return !name.equals("zfs-fuse");
  }

  public String guid(DatasetName fs, String snapshot) {
    return zfs("get", "-H", "-p", "-o", "value", "guid", fs.snapshot(snapshot).full()).strip();
  }

  public long creation(DatasetName fs, String snapshot) {
    return Long.parseLong(
        zfs("get", "-H", "-p", "-o", "value", "creation", fs.snapshot(snapshot).full()).strip());
  }

  /** The value set on the dataset itself, or empty (inherited values do not count). */
  public String localProperty(DatasetName fs, String property) {
    return zfs("get", "-H", "-s", "local", "-o", "value", property, fs.value()).strip();
  }

  /** The property's value as {@code zfs get -H} prints it. */
  public String property(DatasetName fs, String property) {
    return zfs("get", "-H", "-o", "value", property, fs.value()).strip();
  }

  /** Writes {@code bytes} of seeded random data into {@code file} below the mountpoint. */
  public void writeRandom(DatasetName fs, String file, int bytes, long seed) {
    byte[] data = new byte[bytes];
    new java.util.Random(seed).nextBytes(data);
    writeFile(fs, file, data);
  }

  /**
   * {@link #contents} of a replica, mounted afresh first: zfs-fuse does not drop the kernel's page
   * cache of a mounted filesystem when a receive changes it, so reads after an incremental receive
   * can return the old bytes until it is mounted again; a replica whose first receive zfs-fuse
   * committed after its process was killed was never mounted.
   */
  public Map<String, String> replicaContents(DatasetName replica) {
    if (property(replica, "mounted").equals("yes")) {
      zfs("umount", replica.value());
    }
    zfs("mount", replica.value());
    return contents(replica);
  }

  /** Releases {@code tags} on every snapshot below {@code root}, where held. */
  public void releaseAll(DatasetName root, List<String> tags) {
    if (root == null || !exists(root)) {
      return;
    }
    for (String snapshot :
        zfs("list", "-H", "-r", "-t", "snapshot", "-o", "name,userrefs", root.value())
            .lines()
            .toList()) {
      String[] f = snapshot.split("\t");
      if (f.length == 2 && !f[1].strip().equals("0")) {
        for (String tag : tags) {
          run(List.of("zfs", "release", tag, f[0]));
        }
      }
    }
  }

  private List<String> command(List<String> command) {
    List<String> full = new ArrayList<>(shellPrefix);
    full.addAll(command);
    return full;
  }
}
