package org.zfleet.zfs;

import java.util.List;

/** Kills a process together with everything it started. */
final class ProcessTree {

  private ProcessTree() {}

  /**
   * Kills {@code root} and its descendants. The descendants are listed before the root dies: once
   * it has died they are re-parented and can no longer be found from it.
   */
  static void kill(ProcessHandle root) {
    List<ProcessHandle> descendants = root.descendants().toList();
    root.destroyForcibly();
    for (ProcessHandle child : descendants) {
      child.destroyForcibly();
    }
  }
}
