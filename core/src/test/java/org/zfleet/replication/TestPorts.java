package org.zfleet.replication;

import java.util.concurrent.Executor;
import org.zfleet.zfs.ProcessRunner;
import org.zfleet.zfs.ZfsPort;

/** Node ports for tests: hooks run by one shared runner, as the daemon has one per node. */
final class TestPorts {

  /** Daemon threads only; lives as long as the test JVM, like a daemon's. */
  static final ProcessRunner HOOKS = new ProcessRunner(4);

  private TestPorts() {}

  static NodePorts of(ZfsPort zfs, ReceiverDirectory sinks, Executor blocking) {
    return of(zfs, sinks, SourceDirectory.NONE, blocking);
  }

  static NodePorts of(
      ZfsPort zfs, ReceiverDirectory sinks, SourceDirectory sources, Executor blocking) {
    return new NodePorts(zfs, sinks, sources, blocking, HOOKS);
  }
}
