package org.zfleet.replication;

import java.util.Objects;
import java.util.concurrent.Executor;
import org.zfleet.zfs.ProcessRunner;
import org.zfleet.zfs.ZfsPort;

/**
 * What a node gives its jobs to act with: its ZFS, where sinks and sources are found, the executor
 * for blocking work (the steps' own, also for looking sinks up in parallel), and the runner of
 * snapshot hooks.
 */
public record NodePorts(
    ZfsPort zfs,
    ReceiverDirectory sinks,
    SourceDirectory sources,
    Executor blocking,
    ProcessRunner hooks) {
  public NodePorts {
    Objects.requireNonNull(zfs, "zfs");
    Objects.requireNonNull(sinks, "sinks");
    Objects.requireNonNull(sources, "sources");
    Objects.requireNonNull(blocking, "blocking");
    Objects.requireNonNull(hooks, "hooks");
  }
}
