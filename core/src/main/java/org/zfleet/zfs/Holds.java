package org.zfleet.zfs;

import java.util.Optional;
import java.util.Set;

/**
 * The user holds on a snapshot. {@code count} is always known (the {@code userrefs} property);
 * {@code tags} only where {@code zfs holds} works (it does not on zfs-fuse).
 */
public record Holds(int count, Optional<Set<String>> tags) {
  public Holds {
    if (count < 0) {
      throw new IllegalArgumentException("negative hold count");
    }
    tags = tags.map(Set::copyOf);
  }
}
