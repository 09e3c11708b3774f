package org.zfleet.config;

import java.util.List;
import java.util.Objects;

/**
 * Snapshots the selected filesystems and sends them to one or more sink jobs (found by name in the
 * cluster), pruning both sides.
 */
public record PushJob(
    String name,
    List<String> sinks,
    FilesystemFilter filesystems,
    Snapshotting snapshotting,
    Pruning senderPruning,
    Pruning receiverPruning,
    Replication replication,
    SendOptions send)
    implements JobConfig {

  public PushJob {
    JobConfig.checkName("job", name);
    sinks = List.copyOf(sinks);
    if (sinks.isEmpty()) {
      throw new IllegalArgumentException("a push job needs at least one sink");
    }
    sinks.forEach(s -> JobConfig.checkName("sink job", s));
    Objects.requireNonNull(filesystems, "filesystems");
    Objects.requireNonNull(snapshotting, "snapshotting");
    Objects.requireNonNull(senderPruning, "senderPruning");
    Objects.requireNonNull(receiverPruning, "receiverPruning");
    Objects.requireNonNull(replication, "replication");
    Objects.requireNonNull(send, "send");
  }

  @Override
  public Type type() {
    return Type.PUSH;
  }
}
