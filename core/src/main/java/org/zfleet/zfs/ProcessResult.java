package org.zfleet.zfs;

import java.util.List;

/** A finished short command: its argument vector, exit code, whole stdout and bounded stderr. */
public record ProcessResult(List<String> command, int exitCode, String stdout, String stderr) {
  public ProcessResult {
    command = List.copyOf(command);
  }

  public boolean succeeded() {
    return exitCode == 0;
  }
}
