package org.zfleet.zfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.zfs.SendStreamInspector.StreamStart;

/**
 * A {@code zfs receive} that starts only once its stream has shown what it is. Every byte passes a
 * {@link SendStreamInspector} first; the process is started (by {@link Starter}, which checks the
 * target) when the first dataset's BEGIN record has been read, and killed before it sees a record
 * the inspector refuses. A refused stream fails the receive with the typed reason and an
 * IOException to its writer.
 */
final class CliReceiveProcess implements ReceiveProcess {

  private static final Logger log = LoggerFactory.getLogger(CliReceiveProcess.class);

  /** Starts the process for a stream once its start is known; throws a ZfsException to refuse. */
  @FunctionalInterface
  interface Starter {
    Started start(StreamStart stream);
  }

  /**
   * A started {@code zfs receive}, and what to do once it has succeeded (make the replica inert):
   * run on the runner's threads, may throw a ZfsException to fail the receive.
   */
  record Started(RunningProcess process, Runnable afterSuccess) {}

  private final String target;
  private final Starter starter;
  private final Consumer<Runnable> executor;
  private final SendStreamInspector inspector = new SendStreamInspector();
  private final CompletableFuture<Void> completion = new CompletableFuture<>();
  private final ByteArrayOutputStream beforeStart = new ByteArrayOutputStream();
  private final OutputStream stdin = new InspectingStdin();
  private volatile RunningProcess process;
  private OutputStream processStdin;
  private volatile boolean killed;
  private boolean refused;

  CliReceiveProcess(String target, Starter starter, Consumer<Runnable> executor) {
    this.target = target;
    this.starter = starter;
    this.executor = executor;
  }

  @Override
  public OutputStream stdin() {
    return stdin;
  }

  @Override
  public CompletionStage<Void> completion() {
    return completion;
  }

  /** Never waits for the writer, which may be blocked on a full pipe. */
  @Override
  public void kill() {
    killed = true;
    RunningProcess running = process;
    if (running != null) {
      running.kill(RunningProcess.End.KILLED);
    } else {
      completion.completeExceptionally(
          new ZfsException.StreamFailed(
              "zfs receive " + target + ": killed by its caller before it started", List.of(), ""));
    }
  }

  /** True if zfs said nothing but that it could not mount what it received. */
  static boolean onlyMountFailed(String stderr) {
    List<String> lines = stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    return !lines.isEmpty() && lines.stream().allMatch(l -> l.startsWith("cannot mount"));
  }

  private void started(Started started) {
    process = started.process();
    processStdin = started.process().process().getOutputStream();
    process.exit().thenAccept(exit -> finish(exit, started.afterSuccess()));
  }

  private void finish(RunningProcess.Exit exit, Runnable afterSuccess) {
    if (completion.isDone()) {
      return; // refused: the reason is already the outcome
    }
    ZfsException error = CliStreamErrors.of("receive", target, exit);
    if (error != null
        && exit.end() == RunningProcess.End.EXITED
        && onlyMountFailed(exit.stderr())) {
      log.warn(
          "received, but could not mount target=\"{}\" reason=\"{}\"",
          target,
          exit.stderr().strip().replace('\n', ' '));
      error = null;
    }
    if (error != null) {
      completion.completeExceptionally(error);
      return;
    }
    executor.accept(
        () -> {
          try {
            afterSuccess.run();
            completion.complete(null);
          } catch (RuntimeException e) {
            completion.completeExceptionally(e);
          }
        });
  }

  private IOException refuse(ZfsException reason) {
    refused = true;
    if (process != null) {
      process.kill(RunningProcess.End.KILLED);
    }
    completion.completeExceptionally(reason);
    return new IOException(reason.getMessage());
  }

  /** Inspects, holds the stream back until the process runs, then passes it on. */
  private final class InspectingStdin extends OutputStream {

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      synchronized (CliReceiveProcess.this) {
        if (refused) {
          throw new IOException("zfs receive " + target + ": the stream was refused");
        }
        if (killed) {
          throw new IOException("zfs receive " + target + " was killed");
        }
        OutputStream out = process == null ? beforeStart : processStdin;
        try {
          inspector.inspect(b, off, len, out);
        } catch (SendStreamInspector.Refused e) {
          log.warn("refused a stream target=\"{}\" reason=\"{}\"", target, e.getMessage());
          throw refuse(
              new ZfsException.PermissionDenied(
                  "zfs receive " + target + ": refused " + e.getMessage(), List.of(), ""));
        }
        if (process == null && inspector.start() != null) {
          Started started;
          try {
            started = starter.start(inspector.start());
          } catch (ZfsException e) {
            throw refuse(e);
          }
          started(started);
          if (killed) {
            started.process().kill(RunningProcess.End.KILLED);
            throw new IOException("zfs receive " + target + " was killed");
          }
          processStdin.write(beforeStart.toByteArray());
          beforeStart.reset();
        }
      }
    }

    @Override
    public void flush() throws IOException {
      synchronized (CliReceiveProcess.this) {
        if (processStdin != null && !refused) {
          processStdin.flush();
        }
      }
    }

    @Override
    public void close() throws IOException {
      synchronized (CliReceiveProcess.this) {
        if (refused || killed) {
          return;
        }
        if (process == null) {
          refuse(
              new ZfsException.StreamFailed(
                  "zfs receive "
                      + target
                      + ": the stream ended before its first dataset began ("
                      + (beforeStart.size() + inspector.heldBack())
                      + " bytes)",
                  List.of(),
                  ""));
          return;
        }
        processStdin.close();
      }
    }
  }
}
