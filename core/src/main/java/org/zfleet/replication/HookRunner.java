package org.zfleet.replication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.config.Hook;
import org.zfleet.job.StepControl;

/**
 * Runs a job's snapshot hooks, each without a shell and within its timeout; a hook that overruns is
 * killed with its children. A failing hook whose {@code err-is-fatal} is set stops the snapshot;
 * any other failure is logged and reported with the snapshot.
 */
public final class HookRunner {

  private static final Logger log = LoggerFactory.getLogger(HookRunner.class);
  private static final int OUTPUT_LIMIT = 4096;

  private final String job;
  private final List<Hook> hooks;
  private final Map<String, String> environment;

  /**
   * @param environment variables the hooks see, e.g. the job and snapshot name
   */
  public HookRunner(String job, List<Hook> hooks, Map<String, String> environment) {
    this.job = job;
    this.hooks = List.copyOf(hooks);
    this.environment = Map.copyOf(environment);
  }

  public static HookRunner none(String job) {
    return new HookRunner(job, List.of(), Map.of());
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
    ProcessBuilder builder = new ProcessBuilder(hook.command()).redirectErrorStream(true);
    builder.environment().putAll(environment);
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return "cannot start: " + e.getMessage();
    }
    control.onCancel(() -> killTree(process));
    // Each hook's own output: a failure reports what the failing hook said, not its predecessors.
    StringBuilder output = new StringBuilder();
    Thread drain = new Thread(() -> drain(process, output), "hook-output");
    drain.setDaemon(true);
    drain.start();
    try {
      if (!process.waitFor(hook.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        killTree(process);
        return "did not finish within "
            + org.zfleet.job.Durations.human(hook.timeout())
            + " and was killed";
      }
    } catch (InterruptedException e) {
      // The step's thread is being stopped (the daemon shuts down): the hook must not outlive it.
      killTree(process);
      throw e;
    }
    drain.join(1000);
    int exit = process.exitValue();
    return exit == 0 ? null : "exit code " + exit + output(output);
  }

  private static void drain(Process process, StringBuilder output) {
    try (var in = process.getInputStream()) {
      byte[] buffer = new byte[4096];
      int n;
      while ((n = in.read(buffer)) > 0) {
        synchronized (output) {
          if (output.length() < OUTPUT_LIMIT) {
            output.append(
                new String(
                    buffer,
                    0,
                    Math.min(n, OUTPUT_LIMIT - output.length()),
                    StandardCharsets.UTF_8));
          }
        }
      }
    } catch (IOException e) {
      // The process was killed.
    }
  }

  private static String output(StringBuilder output) {
    synchronized (output) {
      String text = output.toString().strip();
      return text.isEmpty() ? "" : ": " + text.replace('\n', ' ');
    }
  }

  private static void killTree(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
