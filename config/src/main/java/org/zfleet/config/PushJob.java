package org.zfleet.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Snapshots the selected filesystems and sends them to one or more sink jobs (found by name in the
 * cluster), pruning both sides. {@code sinkNodes} names the node that must run a sink, for the
 * sinks written {@code job@node}; the others are pinned to the node that first offers them.
 */
public record PushJob(
    String name,
    List<String> sinks,
    FilesystemFilter filesystems,
    Snapshotting snapshotting,
    Pruning senderPruning,
    Pruning receiverPruning,
    Replication replication,
    SendOptions send,
    Map<String, String> sinkNodes)
    implements JobConfig {

  /** A push with the default send flags whose sinks' nodes are all pinned on first contact. */
  public PushJob(
      String name,
      List<String> sinks,
      FilesystemFilter filesystems,
      Snapshotting snapshotting,
      Pruning senderPruning,
      Pruning receiverPruning,
      Replication replication) {
    this(
        name,
        sinks,
        filesystems,
        snapshotting,
        senderPruning,
        receiverPruning,
        replication,
        SendOptions.NONE,
        Map.of());
  }

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
    sinkNodes = Map.copyOf(sinkNodes);
    for (Map.Entry<String, String> e : sinkNodes.entrySet()) {
      JobConfig.checkName("node", e.getValue());
      if (!sinks.contains(e.getKey())) {
        throw new IllegalArgumentException("a node is named for " + e.getKey() + ", not a sink");
      }
    }
  }

  @Override
  public Type type() {
    return Type.PUSH;
  }
}
