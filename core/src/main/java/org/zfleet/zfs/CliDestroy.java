package org.zfleet.zfs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.zfleet.model.DatasetName;

/**
 * Destroying several snapshots of one filesystem: {@code zfs destroy -pv fs@a,b,c} where this ZFS
 * takes a list (OpenZFS destroys such a list all or nothing), one command per snapshot otherwise,
 * or when the list failed (to destroy what can go, and learn why the others cannot).
 */
final class CliDestroy {

  /** Bounds one command's list argument well below Linux's 128 KiB per argument. */
  static final int MAX_LIST_CHARS = 64 * 1024;

  private CliDestroy() {}

  static DestroyResult destroySnapshots(
      CliCommands zfs,
      ZfsCapabilities capabilities,
      DatasetName filesystem,
      Collection<String> snapshots) {
    List<String> names = new ArrayList<>(new LinkedHashSet<>(snapshots));
    names.forEach(filesystem::snapshot); // validates each name before any command runs
    Set<String> destroyed = new LinkedHashSet<>();
    Map<String, ZfsException> failed = new HashMap<>();
    List<String> oneByOne = names;
    if (capabilities.destroySnapshotList() && names.size() > 1) {
      oneByOne = new ArrayList<>();
      for (List<String> chunk : chunks(filesystem, names)) {
        String list = filesystem.value() + "@" + String.join(",", chunk);
        ProcessResult r = zfs.run("destroy", List.of("-p", "-v", list));
        if (r.succeeded()) {
          Set<String> gone = TransferOutputParser.parseDestroyed(r.stdout());
          for (String name : chunk) {
            if (gone.contains(name)) {
              destroyed.add(name);
            } else {
              // zfs skips names that do not exist
              failed.put(name, notFound(zfs, filesystem, name));
            }
          }
        } else {
          throwIfNotAnswering(CliCommands.failure("destroy", list, r));
          oneByOne.addAll(chunk);
        }
      }
    }
    for (String name : oneByOne) {
      String full = filesystem.snapshot(name).full();
      try {
        zfs.zfs("destroy", full, List.of(full));
        destroyed.add(name);
      } catch (ZfsException e) {
        throwIfNotAnswering(e);
        failed.put(name, e);
      }
    }
    return new DestroyResult(destroyed, failed);
  }

  /** Lists whose argument stays under {@link #MAX_LIST_CHARS}. */
  static List<List<String>> chunks(DatasetName filesystem, List<String> names) {
    List<List<String>> out = new ArrayList<>();
    List<String> current = new ArrayList<>();
    int length = filesystem.value().length() + 1;
    for (String name : names) {
      if (!current.isEmpty() && length + name.length() + 1 > MAX_LIST_CHARS) {
        out.add(current);
        current = new ArrayList<>();
        length = filesystem.value().length() + 1;
      }
      current.add(name);
      length += name.length() + 1;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  private static void throwIfNotAnswering(ZfsException e) {
    if (e instanceof ZfsException.Unavailable || e instanceof ZfsException.Timeout) {
      throw e;
    }
  }

  private static ZfsException notFound(CliCommands zfs, DatasetName filesystem, String name) {
    String full = filesystem.snapshot(name).full();
    return new ZfsException.NotFound(
        "zfs destroy " + full + ": " + full + " does not exist",
        zfs.command("destroy", List.of(full)),
        "");
  }
}
