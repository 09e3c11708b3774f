package org.zfleet.restore;

import org.zfleet.model.DatasetName;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.SendRequest;
import org.zfleet.zfs.ZfsPort;

/**
 * Where a restore reads its replica: this node's ZFS, or (with a cross-node restore) a receiving
 * job on another node that streams the replica back to this one. Only sends of the replica's own
 * snapshots are asked for; a send never changes the replica.
 */
@FunctionalInterface
public interface RestoreSource {

  SendProcess send(SendRequest request);

  /** The replica {@code replica} on this node's ZFS. */
  static RestoreSource local(ZfsPort zfs, DatasetName replica) {
    return request -> {
      if (!request.to().dataset().equals(replica)) {
        throw new IllegalArgumentException(
            "a restore of " + replica + " sends only its snapshots, not " + request.to());
      }
      return zfs.send(request);
    };
  }
}
