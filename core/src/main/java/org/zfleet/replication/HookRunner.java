package org.zfleet.replication;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.config.Hook;
import org.zfleet.job.Durations;
import org.zfleet.job.StepControl;
import org.zfleet.zfs.ProcessResult;
import org.zfleet.zfs.ProcessRunner;
import org.zfleet.zfs.ZfsException;

/**
 * Runs a job's snapshot hooks through the node's {@link ProcessRunner} with zrepl's meaning: the
 * pre commands before the snapshot in configuration order, the post commands after it in reverse
 * order, like a stack. A failing pre command whose {@code err-is-fatal} is set stops the snapshot
 * and the pre commands after it; post commands then run for the hooks whose pre command succeeded
 * (or that have none), also when the snapshot failed or the step was stopped, each within its
 * timeout. Every command runs without a shell; one that overruns, or whose step is cancelled before
 * the snapshot, is killed with its children.
 */
public final class HookRunner {

  private static final Logger log = LoggerFactory.getLogger(HookRunner.class);
  private static final int OUTPUT_LIMIT = 4096;

  private final String job;
  private final List<Hook> hooks;
  private final Map<String, String> environment;
  private final ProcessRunner processes;

  /**
   * @param environment variables every command sees, e.g. the job, the snapshot name and the
   *     filesystems
   */
  public HookRunner(
      String job, List<Hook> hooks, Map<String, String> environment, ProcessRunner processes) {
    this.job = job;
    this.hooks = List.copyOf(hooks);
    this.environment = Map.copyOf(environment);
    this.processes = processes;
  }

  /**
   * Runs the pre commands in order, adding to {@code passed} each hook whose post command is to
   * run; returns "" or a note on non-fatal failures for the step summary.
   *
   * @throws IllegalStateException when a fatal pre command failed: no snapshot is taken
   */
  public String runPre(List<Hook> passed, StepControl control) throws InterruptedException {
    StringBuilder notes = new StringBuilder();
    for (Hook hook : hooks) {
      control.checkCancelled();
      if (hook.pre().isEmpty()) {
        passed.add(hook);
        continue;
      }
      List<String> command = hook.pre().get();
      control.progress().phase("hook " + command.get(0));
      String failure = run(hook, command, edge("pre"), Optional.of(control));
      if (failure == null) {
        passed.add(hook);
        continue;
      }
      if (hook.errIsFatal()) {
        throw new IllegalStateException(
            "hook " + command + " failed, no snapshot taken: " + failure);
      }
      note(notes, "pre", command, failure);
    }
    return notes.toString();
  }

  /**
   * Runs the post commands of {@code passed}, last first, whatever became of the snapshot; returns
   * "" or a note on failures. Never fatal; a stopped step's thread is let run them (its interrupt
   * is kept for afterwards).
   *
   * @param error why the snapshot was not taken, if it was not
   */
  public String runPost(List<Hook> passed, Optional<String> error) {
    boolean interrupted = Thread.interrupted();
    StringBuilder notes = new StringBuilder();
    try {
      for (int i = passed.size() - 1; i >= 0; i--) {
        Hook hook = passed.get(i);
        if (hook.post().isEmpty()) {
          continue;
        }
        Map<String, String> env = edge("post");
        env.put("ZFLEET_SNAPSHOT_OK", String.valueOf(error.isEmpty()));
        error.ifPresent(e -> env.put("ZFLEET_SNAPSHOT_ERROR", e.replace('\n', ' ')));
        String failure;
        try {
          failure = run(hook, hook.post().get(), env, Optional.empty());
        } catch (InterruptedException e) {
          interrupted = true;
          failure = "interrupted";
        }
        if (failure != null) {
          note(notes, "post", hook.post().get(), failure);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return notes.toString();
  }

  private Map<String, String> edge(String which) {
    Map<String, String> env = new HashMap<>(environment);
    env.put("ZFLEET_HOOK", which);
    return env;
  }

  private void note(StringBuilder notes, String edge, List<String> command, String failure) {
    log.warn(
        "hook failed job={} edge={} command=\"{}\" reason=\"{}\" (not fatal)",
        job,
        edge,
        String.join(" ", command),
        failure);
    notes.append("; ").append(edge).append(" hook ").append(command.get(0));
    notes.append(" failed: ").append(failure);
  }

  /**
   * Null on success, else why it failed. With a control, cancelling the step kills the command;
   * without one (post commands), only its timeout does.
   */
  private String run(
      Hook hook, List<String> command, Map<String, String> env, Optional<StepControl> control)
      throws InterruptedException {
    // Cancelling the step interrupts this thread while the hook runs: the runner then kills it.
    Thread self = Thread.currentThread();
    boolean[] running = {true};
    control.ifPresent(
        c ->
            c.onCancel(
                () -> {
                  synchronized (running) {
                    if (running[0]) {
                      self.interrupt();
                    }
                  }
                }));
    ProcessResult result;
    try {
      result = processes.runCommand(command, env, hook.timeout());
    } catch (ZfsException.Timeout e) {
      return "did not finish within " + Durations.human(hook.timeout()) + " and was killed";
    } catch (ZfsException.Unavailable e) {
      return "cannot start: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
    } catch (ZfsException e) {
      if (Thread.interrupted()) {
        control.ifPresent(StepControl::checkCancelled);
        // The step's thread is being stopped (the daemon shuts down): the hook was killed.
        throw new InterruptedException("hook " + command.get(0) + " interrupted");
      }
      return e.getMessage();
    } finally {
      synchronized (running) {
        running[0] = false;
      }
    }
    if (control.isPresent() && control.get().isCancelled()) {
      Thread.interrupted(); // the cancel may have come just as the hook ended
      control.get().checkCancelled();
    }
    return result.succeeded() ? null : "exit code " + result.exitCode() + output(result.stdout());
  }

  private static String output(String text) {
    String kept = text.length() > OUTPUT_LIMIT ? text.substring(0, OUTPUT_LIMIT) : text;
    kept = kept.strip();
    return kept.isEmpty() ? "" : ": " + kept.replace('\n', ' ');
  }
}
