package org.zfleet.zfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A receive of {@link InMemoryZfs}: collects the stream and applies it when stdin is closed, as one
 * step under the model's lock, so a killed receive changes nothing.
 */
final class ModelReceiveProcess implements ReceiveProcess {

  private final String target;
  private final boolean resumable;
  private final Function<byte[], ZfsException> apply;
  private final CompletableFuture<Void> completion = new CompletableFuture<>();
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private boolean closed;
  private boolean killed;

  /**
   * @param resumable a killed receive keeps what arrived, as {@code receive -s} does
   * @param apply applies a whole stream and returns the error, or null on success
   */
  ModelReceiveProcess(String target, boolean resumable, Function<byte[], ZfsException> apply) {
    this.target = target;
    this.resumable = resumable;
    this.apply = apply;
  }

  private final OutputStream stdin =
      new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          synchronized (ModelReceiveProcess.this) {
            if (killed || closed) {
              throw new IOException("Broken pipe (zfs receive " + target + " has ended)");
            }
            received.write(b, off, len);
          }
        }

        @Override
        public void close() {
          byte[] stream;
          synchronized (ModelReceiveProcess.this) {
            if (closed || killed) {
              return;
            }
            closed = true;
            stream = received.toByteArray();
          }
          ZfsException error = apply.apply(stream);
          if (error == null) {
            completion.complete(null);
          } else {
            completion.completeExceptionally(error);
          }
        }
      };

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
    byte[] cut;
    synchronized (this) {
      if (closed || killed) {
        return;
      }
      killed = true;
      cut = received.toByteArray();
    }
    if (resumable) {
      apply.apply(cut);
    }
    completion.completeExceptionally(
        new ZfsException.StreamFailed(
            "zfs receive " + target + ": killed by its caller", List.of(), ""));
  }
}
