package org.zfleet.zfs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code zfs receive} process: its stdin takes the stream.
 *
 * <p>When the target did not exist, the stream's first record is checked before zfs sees it: an
 * incremental stream is refused, because zfs-fuse would otherwise look the base snapshot up by guid
 * anywhere in the pool and apply the stream to whichever filesystem holds it.
 */
final class CliReceiveProcess implements ReceiveProcess {

  private static final Logger log = LoggerFactory.getLogger(CliReceiveProcess.class);

  private final RunningProcess process;
  private final String target;
  private final OutputStream stdin;
  private final CompletableFuture<Void> completion = new CompletableFuture<>();
  private volatile boolean refusedIncremental;

  /**
   * @param afterSuccess runs on the runner's threads once zfs has exited successfully, and may
   *     throw a {@link ZfsException} to fail the receive (setting the properties of a new target)
   */
  CliReceiveProcess(
      RunningProcess process,
      String target,
      boolean targetExisted,
      Runnable afterSuccess,
      Consumer<Runnable> executor) {
    this.process = process;
    this.target = target;
    OutputStream raw = process.process().getOutputStream();
    this.stdin = targetExisted ? raw : new GuardedStdin(raw);
    process.exit().thenAccept(exit -> finish(exit, afterSuccess, executor));
  }

  private void finish(
      RunningProcess.Exit exit, Runnable afterSuccess, Consumer<Runnable> executor) {
    if (refusedIncremental) {
      completion.completeExceptionally(
          new ZfsException.NotFound(
              "zfs receive "
                  + target
                  + ": an incremental stream needs an existing target, and "
                  + target
                  + " does not exist",
              exit.command(),
              exit.stderr()));
      return;
    }
    ZfsException error = CliStreamErrors.of("receive", target, exit);
    if (error != null
        && exit.end() == RunningProcess.End.EXITED
        && onlyMountFailed(exit.stderr())) {
      // The stream was received and committed; only mounting it failed (on zfs-fuse a child
      // received at the same moment can take its mountpoint directory). The data is safe, and
      // reporting a failure would make zfleet take its own replica for someone else's.
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

  /** True if zfs said nothing but that it could not mount what it received. */
  static boolean onlyMountFailed(String stderr) {
    List<String> lines = stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    return !lines.isEmpty() && lines.stream().allMatch(l -> l.startsWith("cannot mount"));
  }

  @Override
  public OutputStream stdin() {
    return stdin;
  }

  @Override
  public CompletionStage<Void> completion() {
    return completion;
  }

  @Override
  public void kill() {
    process.kill(RunningProcess.End.KILLED);
  }

  /** Holds back the first record until its from-guid is known. */
  private final class GuardedStdin extends OutputStream {
    private final OutputStream out;
    private byte[] header = new byte[0];
    private boolean passed;

    GuardedStdin(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      if (passed) {
        out.write(b, off, len);
        return;
      }
      if (refusedIncremental) {
        throw refused();
      }
      int take = Math.min(len, SendStreamHeader.LENGTH - header.length);
      byte[] grown = Arrays.copyOf(header, header.length + take);
      System.arraycopy(b, off, grown, header.length, take);
      header = grown;
      if (header.length < SendStreamHeader.LENGTH) {
        return;
      }
      OptionalLong from = SendStreamHeader.fromGuid(header);
      if (from.isPresent() && from.getAsLong() != 0) {
        refusedIncremental = true;
        process.kill(RunningProcess.End.KILLED);
        throw refused();
      }
      passed = true;
      out.write(header);
      out.write(b, off + take, len - take);
    }

    @Override
    public synchronized void flush() throws IOException {
      if (passed) {
        out.flush();
      }
    }

    @Override
    public synchronized void close() throws IOException {
      if (!passed && !refusedIncremental) {
        passed = true;
        out.write(header);
      }
      out.close();
    }

    private IOException refused() {
      return new IOException(
          "refused an incremental stream into " + target + ", which does not exist");
    }
  }
}
