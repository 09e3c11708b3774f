package org.zfleet.zfs;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Starts {@code zfs} and {@code zpool} processes from argument vectors (never a shell), gives each
 * a deadline after which it is killed with its children, and drains and waits for them on its own
 * threads, never on the caller's. Short commands pass a fair gate that bounds how many run at once
 * on this node; sends and receives do not. It also runs the node's other commands (snapshot hooks)
 * the same way, outside the gate.
 */
public final class ProcessRunner implements AutoCloseable {

  static final int STDERR_LIMIT = 64 * 1024;
  private static final File DEV_NULL = new File("/dev/null");
  private static final Duration REAP_WAIT = Duration.ofSeconds(5);

  private final Semaphore gate;
  private final int permits;
  private final ExecutorService io = Executors.newCachedThreadPool(daemonThreads("zfs-io"));
  private final ScheduledExecutorService deadlines;
  private volatile CommandListener listener = CommandListener.NONE;

  public ProcessRunner(int permits) {
    this.permits = permits;
    this.gate = new Semaphore(permits, true);
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(1, daemonThreads("zfs-deadline"));
    scheduler.setRemoveOnCancelPolicy(true);
    this.deadlines = scheduler;
  }

  /**
   * Runs a short command to its end through the gate; the deadline covers waiting at the gate too.
   * Fails with {@link ZfsException.Unavailable} if the binary cannot be started and with {@link
   * ZfsException.Timeout} past the deadline; a non-zero exit is returned, not thrown.
   */
  ProcessResult run(List<String> command, Duration deadline) {
    return run(command, deadline, null);
  }

  /**
   * Like {@link #run(List, Duration)}, but hands stdout to {@code lines} line by line as the
   * command prints it (on one of the runner's threads) instead of keeping it, so a large answer is
   * never held as text: the result's stdout is empty. A {@link ZfsException} that {@code lines}
   * throws kills the command and is thrown as it is.
   */
  ProcessResult run(List<String> command, Duration deadline, Consumer<String> lines) {
    long start = System.nanoTime();
    try {
      if (!gate.tryAcquire(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new ZfsException.Timeout(
            describe(command)
                + ": still waiting after "
                + seconds(deadline)
                + " for one of "
                + permits
                + " zfs command slots",
            command,
            "");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(command, "");
    }
    boolean succeeded = false;
    try {
      ProcessResult result =
          runGated(command, deadline.toNanos() - (System.nanoTime() - start), lines);
      succeeded = result.succeeded();
      return result;
    } finally {
      gate.release();
      listener.commandEnded(command, Duration.ofNanos(System.nanoTime() - start), succeeded);
    }
  }

  void listener(CommandListener listener) {
    this.listener = listener;
  }

  private ProcessResult runGated(
      List<String> command, long remainingNanos, Consumer<String> lines) {
    ProcessBuilder builder = builder(command).redirectInput(DEV_NULL);
    Process process = start(builder, command);
    BoundedCapture stderr = BoundedCapture.start(process.getErrorStream(), STDERR_LIMIT, io);
    Future<byte[]> stdout =
        io.submit(
            () -> lines == null ? process.getInputStream().readAllBytes() : feed(process, lines));
    Future<Integer> exit = io.submit(() -> process.waitFor());
    long until = System.nanoTime() + remainingNanos;
    try {
      // stdout first: it ends when zfs exits, or early when the reader of its lines gives up.
      byte[] out = stdout.get(until - System.nanoTime(), TimeUnit.NANOSECONDS);
      int code = exit.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
      String err = stderr.awaitText(Duration.ofNanos(Math.max(0, until - System.nanoTime())));
      return new ProcessResult(command, code, new String(out, StandardCharsets.UTF_8), err);
    } catch (TimeoutException e) {
      killAndReap(process);
      throw new ZfsException.Timeout(
          describe(command) + ": no answer within its deadline; killed with its children",
          command,
          stderr.text());
    } catch (InterruptedException e) {
      killAndReap(process);
      Thread.currentThread().interrupt();
      throw interrupted(command, stderr.text());
    } catch (ExecutionException e) {
      killAndReap(process);
      if (e.getCause() instanceof ZfsException z) {
        throw z;
      }
      throw new ZfsException.Failed(
          describe(command) + ": reading its output failed: " + e.getCause(),
          command,
          stderr.text());
    }
  }

  private static byte[] feed(Process process, Consumer<String> lines) throws IOException {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 64 * 1024)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.accept(line);
      }
    }
    return new byte[0];
  }

  /**
   * Runs a command that is not {@code zfs} (a snapshot hook) to its end, outside the gate: stdin
   * empty, {@code environment} added to the daemon's, stdout and stderr kept together (their first
   * {@value #STDERR_LIMIT} bytes). Past the deadline, or when the calling thread is interrupted, it
   * is killed with its children and this fails ({@link ZfsException.Timeout}, or {@link
   * ZfsException.Failed} with the thread's interrupt status set); a command that cannot start fails
   * with {@link ZfsException.Unavailable}. A non-zero exit is returned, not thrown.
   */
  public ProcessResult runCommand(
      List<String> command, Map<String, String> environment, Duration deadline) {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectInput(DEV_NULL).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new ZfsException.Unavailable(
          "cannot run " + command.get(0) + ": " + rootMessage(e), command, "", e);
    }
    BoundedCapture output = BoundedCapture.start(process.getInputStream(), STDERR_LIMIT, io);
    Future<Integer> exit = io.submit(() -> process.waitFor());
    try {
      int code = exit.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
      return new ProcessResult(command, code, output.awaitText(REAP_WAIT), "");
    } catch (TimeoutException e) {
      killAndReap(process);
      throw new ZfsException.Timeout(
          describe(command) + ": not finished within its deadline; killed with its children",
          command,
          output.text());
    } catch (InterruptedException e) {
      killAndReap(process);
      Thread.currentThread().interrupt();
      throw interrupted(command, output.text());
    } catch (ExecutionException e) {
      killAndReap(process);
      throw new ZfsException.Failed(
          describe(command) + ": waiting for it failed: " + e.getCause(), command, output.text());
    }
  }

  /** Which ends of a streaming process the caller uses. */
  enum Stdio {
    /** The caller reads stdout (a send); stdin is empty. */
    READ_STDOUT,
    /** The caller writes stdin (a receive); stdout is discarded. */
    WRITE_STDIN
  }

  /** Starts a send or receive outside the gate; it is killed with its children at the deadline. */
  RunningProcess start(List<String> command, Duration deadline, Stdio stdio) {
    ProcessBuilder builder = builder(command);
    if (stdio == Stdio.READ_STDOUT) {
      builder.redirectInput(DEV_NULL);
    } else {
      builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }
    Process process = start(builder, command);
    BoundedCapture stderr = BoundedCapture.start(process.getErrorStream(), STDERR_LIMIT, io);
    RunningProcess running = new RunningProcess(command, process, stderr);
    running.armDeadline(
        deadlines.schedule(
            () -> running.kill(RunningProcess.End.DEADLINE),
            deadline.toNanos(),
            TimeUnit.NANOSECONDS));
    io.execute(() -> running.exited(waitUninterruptibly(process)));
    return running;
  }

  /** Runs {@code task} on the runner's threads (e.g. work after a receive has finished). */
  void execute(Runnable task) {
    io.execute(task);
  }

  private static ProcessBuilder builder(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    // Messages are classified by their English text: no translations.
    builder.environment().put("LC_ALL", "C");
    return builder;
  }

  private static Process start(ProcessBuilder builder, List<String> command) {
    try {
      return builder.start();
    } catch (IOException e) {
      throw new ZfsException.Unavailable(
          "cannot run "
              + command.get(0)
              + ": "
              + rootMessage(e)
              + " (is ZFS installed, and is the configured path of the binary right?)",
          command,
          "",
          e);
    }
  }

  private static String rootMessage(IOException e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  private static void killAndReap(Process process) {
    ProcessTree.kill(process.toHandle());
    try {
      process.waitFor(REAP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int waitUninterruptibly(Process process) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return process.waitFor();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static ZfsException interrupted(List<String> command, String stderr) {
    return new ZfsException.Failed(
        describe(command) + ": interrupted by its caller; killed with its children",
        command,
        stderr);
  }

  static String describe(List<String> command) {
    return String.join(" ", command.subList(0, Math.min(command.size(), 6)))
        + (command.size() > 6 ? " ..." : "");
  }

  private static String seconds(Duration d) {
    return d.toMillis() / 1000.0 + " s";
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    io.shutdown();
    deadlines.shutdown();
  }
}
