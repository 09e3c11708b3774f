package org.zfleet.zfs;

import java.util.Map;
import java.util.Set;

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
}
