package org.zfleet.plan;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.zfleet.model.FilesystemVersion;

/**
 * What pruning must keep so that the next replication stays incremental: the newest common snapshot
 * on both sides, and on the sender also the replication cursor.
 */
public final class BaseProtection {

  private BaseProtection() {}

  /**
   * The newest receiver snapshot whose guid the sender has (as a snapshot, else a bookmark), or
   * empty when they share nothing. Also reported when the receiver has diverged after it, so that
   * an operator can still roll back to it.
   */
  public static Optional<CommonBase> newestCommon(
      List<FilesystemVersion> sender, List<FilesystemVersion> receiver) {
    return VersionOrder.newestCommon(VersionOrder.ordered(sender), VersionOrder.ordered(receiver));
  }

  /** Guids of the sender's versions that sender-side pruning must not destroy. */
  public static Set<Long> keptOnSender(
      List<FilesystemVersion> sender, List<FilesystemVersion> receiver, OptionalLong cursorGuid) {
    Set<Long> kept = new HashSet<>();
    newestCommon(sender, receiver).ifPresent(base -> kept.add(base.guid()));
    cursorGuid.ifPresent(kept::add);
    return Set.copyOf(kept);
  }

  /** Guids of the receiver's snapshots that receiver-side pruning must not destroy. */
  public static Set<Long> keptOnReceiver(
      List<FilesystemVersion> sender, List<FilesystemVersion> receiver) {
    return newestCommon(sender, receiver).map(base -> Set.of(base.guid())).orElse(Set.of());
  }
}
