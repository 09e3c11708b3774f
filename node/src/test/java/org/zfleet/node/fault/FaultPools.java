package org.zfleet.node.fault;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.zfleet.model.DatasetName;
import org.zfleet.zfs.RealZfsFixture;

/**
 * What the fault tests read and write on the pools and in the process table, with the {@code zfs}
 * command line run by the test itself, never through the code under test.
 */
final class FaultPools {

  private FaultPools() {}

  /** Short names of {@code fs}'s own snapshots, oldest first; empty if it does not exist. */
  static List<String> snapshots(DatasetName fs) {
    return snapshotProperty(fs, "guid").keySet().stream().toList();
  }

  /** Each snapshot of {@code fs} (short name, oldest first) with its guid. */
  static Map<String, String> guids(DatasetName fs) {
    return snapshotProperty(fs, "guid");
  }

  /** Each snapshot of {@code fs} (short name, oldest first) with its number of holds. */
  static Map<String, Integer> holds(DatasetName fs) {
    Map<String, Integer> holds = new LinkedHashMap<>();
    snapshotProperty(fs, "userrefs").forEach((k, v) -> holds.put(k, Integer.parseInt(v)));
    return holds;
  }

  /**
   * Names in creation order from {@code zfs list}, exact values from {@code zfs get -Hp}
   * (zfs-fuse's {@code list} has no {@code -p} and abbreviates guids).
   */
  private static Map<String, String> snapshotProperty(DatasetName fs, String property) {
    Map<String, String> values = new LinkedHashMap<>();
    String[] names =
        run("list", "-H", "-o", "name", "-s", "createtxg", "-t", "snapshot", "-r", fs.value());
    String[] exact = run("get", "-Hp", "-r", "-o", "name,value", property, fs.value());
    if (!names[0].equals("0") || !exact[0].equals("0")) {
      return values;
    }
    Map<String, String> byName = new LinkedHashMap<>();
    for (String line : exact[1].lines().toList()) {
      String[] fields = line.split("\t");
      if (fields.length == 2) {
        byName.put(fields[0], fields[1].strip());
      }
    }
    for (String name : names[1].lines().map(String::strip).toList()) {
      if (name.startsWith(fs.value() + "@") && byName.containsKey(name)) {
        values.put(name.substring(fs.value().length() + 1), byName.get(name));
      }
    }
    return values;
  }

  static boolean exists(DatasetName fs) {
    return run("list", "-H", "-o", "name", fs.value())[0].equals("0");
  }

  static String property(DatasetName fs, String property) {
    return zfs("get", "-H", "-o", "value", property, fs.value()).strip();
  }

  static void write(DatasetName fs, String name, int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    RealZfsFixture.writeFile(fs, name, data);
  }

  /**
   * The {@code zfs} processes whose arguments name one of {@code roots} (or a dataset below it):
   * the test's own, whoever started them, and never another test's on the same zfs-fuse daemon.
   */
  static List<String> zfsProcesses(List<DatasetName> roots) {
    List<String> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .forEach(
            p -> {
              String command = p.info().command().orElse("");
              if (!command.endsWith("/zfs") && !command.equals("zfs")) {
                return;
              }
              String[] args = p.info().arguments().orElse(new String[0]);
              String line = String.join(" ", args);
              for (DatasetName root : roots) {
                if (line.contains(root.value())) {
                  found.add(p.pid() + ": zfs " + line);
                  return;
                }
              }
            });
    return found;
  }

  /**
   * Waits until no {@code zfs} process of the test is left; a process that exits on its own within
   * {@code grace} (a send whose reader died gets its broken pipe) is not a leak.
   */
  static void assertNoZfsProcessLeft(List<DatasetName> roots, Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    List<String> left = zfsProcesses(roots);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      FaultNode.sleep(Duration.ofMillis(200));
      left = zfsProcesses(roots);
    }
    if (!left.isEmpty()) {
      throw new AssertionError("zfs processes left after " + grace + ": " + left);
    }
  }

  /**
   * A small file-backed pool of the test's own, {@code <first test pool without its digits>small}
   * (zf_faultsmall, zfleet_tsmall), made anew beside the first test pool's image.
   */
  static String smallPool(String size) {
    String name = RealZfsFixture.POOL_1.replaceAll("[0-9]+$", "") + "small";
    destroyPool(name);
    Path image = imageDir().resolve(name + ".img");
    check(RealZfsFixture.run(List.of("rm", "-f", image.toString())));
    check(RealZfsFixture.run(List.of("truncate", "-s", size, image.toString())));
    check(RealZfsFixture.run(List.of("zpool", "create", "-f", name, image.toString())));
    return name;
  }

  /** Adds a file vdev of {@code size} to {@code pool}, as an operator adds a disk. */
  static void growPool(String pool, String size) {
    Path image = imageDir().resolve(pool + "-more.img");
    check(RealZfsFixture.run(List.of("rm", "-f", image.toString())));
    check(RealZfsFixture.run(List.of("truncate", "-s", size, image.toString())));
    check(RealZfsFixture.run(List.of("zpool", "add", "-f", pool, image.toString())));
  }

  /**
   * Destroys {@code pool} if it is there (retrying while zfs-fuse calls it busy), and its files.
   */
  static void destroyPool(String pool) {
    if (RealZfsFixture.run(List.of("zpool", "list", "-H", "-o", "name", pool)).code() != 0) {
      return;
    }
    List<Path> vdevs = vdevs(pool);
    // Only this pool's own filesystems, deepest first (zpool destroy may call mounted ones busy).
    List<String> datasets =
        new ArrayList<>(
            RealZfsFixture.run(List.of("zfs", "list", "-H", "-o", "name", "-r", pool))
                .output()
                .lines()
                .filter(d -> d.equals(pool) || d.startsWith(pool + "/"))
                .toList());
    java.util.Collections.reverse(datasets);
    datasets.forEach(d -> RealZfsFixture.run(List.of("zfs", "unmount", "-f", d)));
    for (int attempt = 0; attempt < 40; attempt++) {
      if (RealZfsFixture.run(List.of("zpool", "destroy", "-f", pool)).code() == 0) {
        vdevs.forEach(v -> RealZfsFixture.run(List.of("rm", "-f", v.toString())));
        return;
      }
      FaultNode.sleep(Duration.ofMillis(250));
    }
    throw new AssertionError("could not destroy pool " + pool);
  }

  private static List<Path> vdevs(String pool) {
    return RealZfsFixture.run(List.of("zpool", "status", pool))
        .output()
        .lines()
        .map(String::strip)
        .map(l -> l.split("\\s+")[0])
        .filter(w -> w.startsWith("/"))
        .map(Path::of)
        .toList();
  }

  /** Where the first test pool's image file lies: test pools of this run go beside it. */
  private static Path imageDir() {
    return vdevs(RealZfsFixture.POOL_1).stream()
        .map(Path::getParent)
        .findFirst()
        .orElse(Path.of("/var/tmp/zfleet/pools"));
  }

  /** When {@code fs@snapshot} was made. */
  static Instant created(DatasetName fs, String snapshot) {
    return Instant.ofEpochSecond(
        Long.parseLong(
            zfs("get", "-Hp", "-o", "value", "creation", fs.value() + "@" + snapshot).strip()));
  }

  private static void check(RealZfsFixture.Result result) {
    if (result.code() != 0) {
      throw new AssertionError(result.output());
    }
  }

  static String zfs(String... args) {
    String[] result = run(args);
    if (!result[0].equals("0")) {
      throw new AssertionError("zfs " + String.join(" ", args) + " failed: " + result[1]);
    }
    return result[1];
  }

  /** Exit code and output (stdout and stderr together). */
  static String[] run(String... args) {
    List<String> command = new ArrayList<>(List.of("zfs"));
    command.addAll(List.of(args));
    RealZfsFixture.Result result = RealZfsFixture.run(command);
    return new String[] {Integer.toString(result.code()), result.output()};
  }
}
