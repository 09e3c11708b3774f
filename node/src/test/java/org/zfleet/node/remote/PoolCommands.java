package org.zfleet.node.remote;

import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.zfleet.model.DatasetName;
import org.zfleet.zfs.RealZfsFixture;

/**
 * What the multi-node tests read and write on the pools, with the {@code zfs} command line run by
 * the test itself, never through the code under test.
 */
final class PoolCommands {

  private PoolCommands() {}

  /** Short names of {@code fs}'s snapshots, oldest first; empty if it does not exist. */
  static List<String> snapshots(DatasetName fs) {
    String out =
        zfsQuiet("list", "-H", "-o", "name", "-s", "createtxg", "-t", "snapshot", "-r", fs.value());
    return out.lines()
        .filter(l -> l.startsWith(fs.value() + "@"))
        .map(l -> l.substring(fs.value().length() + 1))
        .toList();
  }

  static List<String> datasetsUnder(DatasetName root) {
    return zfs("list", "-H", "-o", "name", "-r", root.value()).lines().toList();
  }

  static String userProperty(DatasetName fs, String property) {
    return zfs("get", "-H", "-o", "value", property, fs.value()).strip();
  }

  static String guid(DatasetName fs, String snapshot) {
    return zfs("get", "-Hp", "-o", "value", "guid", fs.value() + "@" + snapshot).strip();
  }

  /**
   * Releases the given job's cursor and step holds, which would keep the snapshots from being
   * destroyed.
   */
  static void releaseHolds(DatasetName root, String job, List<String> destinations) {
    for (String line :
        zfsQuiet("list", "-H", "-o", "name,userrefs", "-t", "snapshot", "-r", root.value())
            .lines()
            .toList()) {
      String[] fields = line.split("\t");
      if (fields.length == 2 && !fields[1].equals("0")) {
        for (String destination : destinations) {
          zfsQuiet("release", "zfleet_cursor." + job + "." + destination, fields[0]);
          zfsQuiet("release", "zfleet_step." + job + "." + destination, fields[0]);
        }
      }
    }
  }

  /**
   * A root, a child and a grandchild with a space in its name, each with a file; returns all three.
   */
  static List<DatasetName> tree(DatasetName root, int size) {
    DatasetName data = root.child("data");
    DatasetName docs = data.child("my docs");
    zfs("create", data.value());
    zfs("create", docs.value());
    List<DatasetName> filesystems = List.of(root, data, docs);
    for (int i = 0; i < filesystems.size(); i++) {
      write(filesystems.get(i), "file.bin", size, i + 1);
    }
    return filesystems;
  }

  static void write(DatasetName fs, String name, int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    RealZfsFixture.writeFile(fs, name, data);
  }

  static List<String> files(DatasetName fs) throws IOException {
    try (var entries = Files.list(RealZfsFixture.mountpoint(fs))) {
      return entries
          .filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    }
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  /** A clone that was just read may be busy for a moment (zfs-fuse). */
  static void destroyClone(DatasetName clone) {
    for (int attempt = 0; attempt < 20; attempt++) {
      if (run("destroy", clone.value())[0].equals("0")) {
        return;
      }
      DaemonNode.sleep(Duration.ofMillis(250));
    }
    throw new AssertionError("could not destroy " + clone);
  }

  static String zfs(String... args) {
    String[] result = run(args);
    if (!result[0].equals("0")) {
      throw new AssertionError("zfs " + String.join(" ", args) + " failed: " + result[1]);
    }
    return result[1];
  }

  /** The output, or "" if the command failed (a dataset that does not exist yet). */
  static String zfsQuiet(String... args) {
    String[] result = run(args);
    return result[0].equals("0") ? result[1] : "";
  }

  /** Exit code and output (stdout and stderr together). */
  static String[] run(String... args) {
    List<String> command = new ArrayList<>(List.of("zfs"));
    command.addAll(List.of(args));
    RealZfsFixture.Result result = RealZfsFixture.run(command);
    return new String[] {Integer.toString(result.code()), result.output()};
  }
}
