package org.zfleet.zfs;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A started send or receive: the process, its captured stderr, and a future completed (on the
 * runner's own executor) once it has exited, saying why it ended.
 */
final class RunningProcess {

  /** Why the process ended, as far as this side knows. */
  enum End {
    EXITED,
    KILLED,
    DEADLINE
  }

  /** How the process ended. */
  record Exit(List<String> command, int code, String stderr, End end) {}

  private final List<String> command;
  private final Process process;
  private final BoundedCapture stderr;
  private final CompletableFuture<Exit> exit = new CompletableFuture<>();
  private final AtomicReference<End> end = new AtomicReference<>(End.EXITED);
  private volatile ScheduledFuture<?> deadline;

  RunningProcess(List<String> command, Process process, BoundedCapture stderr) {
    this.command = List.copyOf(command);
    this.process = process;
    this.stderr = stderr;
  }

  void armDeadline(ScheduledFuture<?> deadline) {
    this.deadline = deadline;
  }

  /** Called by the runner's waiting thread once the process has exited. */
  void exited(int code) {
    ScheduledFuture<?> d = deadline;
    if (d != null) {
      d.cancel(false);
    }
    End reason = end.get();
    if (reason == End.KILLED && code > 0 && code < 128) {
      // It exited with its own error before the kill reached it (a signal's death is 128 + n):
      // its failure, not the kill, is what ended it.
      reason = End.EXITED;
    }
    exit.complete(new Exit(command, code, stderr.awaitText(Duration.ofSeconds(5)), reason));
  }

  List<String> command() {
    return command;
  }

  Process process() {
    return process;
  }

  CompletableFuture<Exit> exit() {
    return exit;
  }

  /** Kills the process and its children; the first reason given is the one reported. */
  void kill(End reason) {
    end.compareAndSet(End.EXITED, reason);
    ProcessTree.kill(process.toHandle());
  }

  String stderrSoFar() {
    return stderr.text();
  }
}
