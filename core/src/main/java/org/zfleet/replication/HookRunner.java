package org.zfleet.replication;

import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.config.Hook;
import org.zfleet.job.Durations;
import org.zfleet.job.StepControl;
import org.zfleet.zfs.ProcessResult;
import org.zfleet.zfs.ProcessRunner;
import org.zfleet.zfs.ZfsException;

/**
 * Runs a job's snapshot hooks through the node's {@link ProcessRunner}, each without a shell and
 * within its timeout; a hook that overruns, or whose step is cancelled, is killed with its
 * children. A failing hook whose {@code err-is-fatal} is set stops the snapshot; any other failure
 * is logged and reported with the snapshot.
 */
public final class HookRunner {

  private static final Logger log = LoggerFactory.getLogger(HookRunner.class);
  private static final int OUTPUT_LIMIT = 4096;

  private final String job;
  private final List<Hook> hooks;
  private final Map<String, String> environment;
  private final ProcessRunner processes;

  /**
   * @param environment variables the hooks see, e.g. the job and snapshot name
   */
  public HookRunner(
      String job, List<Hook> hooks, Map<String, String> environment, ProcessRunner processes) {
    this.job = job;
    this.hooks = List.copyOf(hooks);
    this.environment = Map.copyOf(environment);
    this.processes = processes;
  }

  /** Runs every hook in order; returns "" or a note on non-fatal failures for the step summary. */
  public String runAll(StepControl control) throws InterruptedException {
    StringBuilder notes = new StringBuilder();
    for (Hook hook : hooks) {
      control.checkCancelled();
      control.progress().phase("hook " + hook.command().get(0));
      String failure = run(hook, control);
      if (failure == null) {
        continue;
      }
      if (hook.errIsFatal()) {
        throw new IllegalStateException(
            "hook " + hook.command() + " failed, no snapshot taken: " + failure);
      }
      log.warn(
          "hook failed job={} command=\"{}\" reason=\"{}\" (not fatal)",
          job,
          String.join(" ", hook.command()),
          failure);
      notes.append("; hook ").append(hook.command().get(0)).append(" failed: ").append(failure);
    }
    return notes.toString();
  }

  /** Null on success, else why it failed. */
  private String run(Hook hook, StepControl control) throws InterruptedException {
    // Cancelling the step interrupts this thread while the hook runs: the runner then kills it.
    Thread self = Thread.currentThread();
    boolean[] running = {true};
    control.onCancel(
        () -> {
          synchronized (running) {
            if (running[0]) {
              self.interrupt();
            }
          }
        });
    ProcessResult result;
    try {
      result = processes.runCommand(hook.command(), environment, hook.timeout());
    } catch (ZfsException.Timeout e) {
      return "did not finish within " + Durations.human(hook.timeout()) + " and was killed";
    } catch (ZfsException.Unavailable e) {
      return "cannot start: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
    } catch (ZfsException e) {
      if (Thread.interrupted()) {
        control.checkCancelled();
        // The step's thread is being stopped (the daemon shuts down): the hook was killed.
        throw new InterruptedException("hook " + hook.command().get(0) + " interrupted");
      }
      return e.getMessage();
    } finally {
      synchronized (running) {
        running[0] = false;
      }
    }
    if (control.isCancelled()) {
      Thread.interrupted(); // the cancel may have come just as the hook ended
      control.checkCancelled();
    }
    return result.succeeded() ? null : "exit code " + result.exitCode() + output(result.stdout());
  }

  private static String output(String text) {
    String kept = text.length() > OUTPUT_LIMIT ? text.substring(0, OUTPUT_LIMIT) : text;
    kept = kept.strip();
    return kept.isEmpty() ? "" : ": " + kept.replace('\n', ' ');
  }
}
