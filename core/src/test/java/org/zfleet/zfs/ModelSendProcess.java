package org.zfleet.zfs;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A send of {@link InMemoryZfs}: hands out a prepared stream, completing when it has been read to
 * its end, failing if it was cut short (an injected failure, a kill, or a reader that closed
 * early).
 */
final class ModelSendProcess implements SendProcess {

  private final byte[] stream;
  private final int limit;
  private final ZfsException failure;
  private final ModelHooks hooks;
  private final String subject;
  private final CompletableFuture<Void> completion = new CompletableFuture<>();
  private volatile boolean killed;
  private final InputStream stdout = new Stdout();

  /**
   * @param failure if not null, the stream ends halfway and the send fails with it
   */
  ModelSendProcess(byte[] stream, ZfsException failure, ModelHooks hooks, String subject) {
    this.stream = stream;
    this.failure = failure;
    this.limit = failure == null ? stream.length : stream.length / 2;
    this.hooks = hooks;
    this.subject = subject;
  }

  boolean killed() {
    return killed;
  }

  /** The snapshot sent, {@code pool/fs@snap}. */
  String subject() {
    return subject;
  }

  @Override
  public InputStream stdout() {
    return stdout;
  }

  @Override
  public CompletionStage<Void> completion() {
    return completion;
  }

  @Override
  public void kill() {
    killed = true;
    completion.completeExceptionally(
        new ZfsException.StreamFailed(
            "zfs send " + subject + ": killed by its caller", List.of(), ""));
    hooks.wake();
  }

  private final class Stdout extends InputStream {
    private int position;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (killed) {
        return -1;
      }
      if (position >= limit) {
        if (failure != null) {
          completion.completeExceptionally(failure);
        } else {
          completion.complete(null);
        }
        return -1;
      }
      int chunk;
      try {
        chunk = hooks.beforeChunk(ModelSendProcess.this, position, stream.length);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading zfs send " + subject);
      }
      if (chunk < 0) {
        return -1;
      }
      int n = Math.min(Math.min(len, chunk), limit - position);
      System.arraycopy(stream, position, b, off, n);
      position += n;
      return n;
    }

    @Override
    public synchronized void close() {
      if (position < limit && !completion.isDone()) {
        completion.completeExceptionally(
            new ZfsException.StreamFailed(
                "zfs send " + subject + ": warning: cannot send: Broken pipe", List.of(), ""));
      }
    }
  }
}
