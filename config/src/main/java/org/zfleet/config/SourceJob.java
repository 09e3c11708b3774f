package org.zfleet.config;

import java.util.List;
import java.util.Objects;

/** Snapshots the selected filesystems and serves them to the pull jobs of its client nodes. */
public record SourceJob(
    String name,
    FilesystemFilter filesystems,
    List<String> clients,
    Snapshotting snapshotting,
    SendOptions send)
    implements JobConfig {

  public SourceJob {
    JobConfig.checkName("job", name);
    Objects.requireNonNull(filesystems, "filesystems");
    clients = List.copyOf(clients);
    if (clients.isEmpty()) {
      throw new IllegalArgumentException("a source job needs at least one client");
    }
    clients.forEach(c -> JobConfig.checkName("client node", c));
    Objects.requireNonNull(snapshotting, "snapshotting");
    Objects.requireNonNull(send, "send");
  }

  @Override
  public Type type() {
    return Type.SOURCE;
  }
}
