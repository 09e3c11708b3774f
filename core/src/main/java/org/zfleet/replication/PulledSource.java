package org.zfleet.replication;

import java.util.Objects;
import java.util.Optional;
import org.zfleet.endpoint.Sender;

/**
 * A source job as a pull job finds it: the node it runs on (which names the pull's subtree {@code
 * <root-fs>/<node>}), the prefix of the source's snapshots (what {@code scope = own} prunes), and
 * its sending side.
 */
public record PulledSource(String node, Optional<String> snapshotPrefix, Sender sender) {
  public PulledSource {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(snapshotPrefix, "snapshotPrefix");
    Objects.requireNonNull(sender, "sender");
  }
}
