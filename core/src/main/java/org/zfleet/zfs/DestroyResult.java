package org.zfleet.zfs;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;

/**
 * What {@link ZfsPort#destroySnapshots} did: the snapshots it destroyed, and for each one it did
 * not, why (held or busy, gone already, ...).
 *
 * @param destroyed short names of the snapshots destroyed
 * @param failed short names of the snapshots not destroyed, with the typed error of each
 */
public record DestroyResult(Set<String> destroyed, Map<String, ZfsException> failed) {
  public DestroyResult {
    destroyed = Set.copyOf(destroyed);
    failed = Map.copyOf(failed);
  }

  /**
   * Destroys the snapshots of {@code filesystem} one command at a time with {@code destroy}, for
   * sides that cannot take a list (a remote endpoint): each typed failure is kept with its name and
   * the next one is tried. A side that stops answering (unavailable, timed out) ends it.
   */
  public static DestroyResult oneByOne(
      DatasetName filesystem, Collection<String> snapshots, Consumer<SnapshotName> destroy) {
    Set<String> destroyed = new LinkedHashSet<>();
    Map<String, ZfsException> failed = new HashMap<>();
    for (String name : new LinkedHashSet<>(snapshots)) {
      try {
        destroy.accept(filesystem.snapshot(name));
        destroyed.add(name);
      } catch (ZfsException.Unavailable | ZfsException.Timeout e) {
        throw e;
      } catch (ZfsException e) {
        failed.put(name, e);
      }
    }
    return new DestroyResult(destroyed, failed);
  }
}
