package org.zfleet.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.model.FilesystemVersion;

/** Ordering and guid matching of version lists, shared by the planner and base protection. */
final class VersionOrder {

  /**
   * Oldest first by createtxg; a bookmark shares its snapshot's createtxg and comes after it. Only
   * versions of one filesystem are compared: createtxg means nothing across pools.
   */
  static final Comparator<FilesystemVersion> OLDEST_FIRST =
      Comparator.comparingLong(FilesystemVersion::createTxg)
          .thenComparing(FilesystemVersion::kind)
          .thenComparing(FilesystemVersion::name);

  private VersionOrder() {}

  static List<FilesystemVersion> ordered(List<FilesystemVersion> versions) {
    Objects.requireNonNull(versions, "versions");
    List<FilesystemVersion> copy = new ArrayList<>(versions);
    copy.forEach(v -> Objects.requireNonNull(v, "version"));
    copy.sort(OLDEST_FIRST);
    return copy;
  }

  static List<FilesystemVersion> snapshots(List<FilesystemVersion> ordered) {
    return ordered.stream().filter(FilesystemVersion::isSnapshot).toList();
  }

  /**
   * The newest receiver snapshot whose guid the sender has as any version. On the sender side a
   * snapshot is preferred to a bookmark of the same guid, because only a snapshot can start a
   * {@code -I} step. Newest is by the receiver's own order: the receiver can only take an
   * incremental stream on top of its newest snapshot.
   */
  static Optional<CommonBase> newestCommon(
      List<FilesystemVersion> orderedSender, List<FilesystemVersion> orderedReceiver) {
    Map<Long, FilesystemVersion> senderByGuid = new HashMap<>();
    for (FilesystemVersion version : orderedSender) {
      senderByGuid.merge(
          version.guid(), version, (kept, other) -> kept.isSnapshot() ? kept : other);
    }
    for (int i = orderedReceiver.size() - 1; i >= 0; i--) {
      FilesystemVersion received = orderedReceiver.get(i);
      FilesystemVersion onSender = senderByGuid.get(received.guid());
      if (received.isSnapshot() && onSender != null) {
        return Optional.of(new CommonBase(onSender, received));
      }
    }
    return Optional.empty();
  }
}
