package org.zfleet.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;

/**
 * The stream sink's view of the receiver. Pekko's output-stream sink closes its stream on every
 * termination, failures included; a receiver that saw that close as the end of the stream could
 * take a truncated stream for a whole one. So close commits only after a clean upstream end, and
 * otherwise aborts the receiver.
 */
final class CleanEndOutputStream extends OutputStream {

  /** What the end of the stream does to the receiving side. */
  interface Ending {
    /** The stream ended cleanly: let the receiver see the end. May block. */
    void commit() throws IOException;

    /**
     * The stream did not end cleanly: the receiver must not take what it got for a whole stream.
     */
    void abort();
  }

  private final OutputStream out;
  private final BooleanSupplier cleanEnd;
  private final Ending ending;
  private boolean closed;

  CleanEndOutputStream(OutputStream out, BooleanSupplier cleanEnd, Ending ending) {
    this.out = out;
    this.cleanEnd = cleanEnd;
    this.ending = ending;
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
  }

  /** Flushing is left to {@link Ending#commit()}: the sink flushes after failures as well. */
  @Override
  public void flush() {}

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (!cleanEnd.getAsBoolean()) {
      ending.abort();
      throw new IOException("the stream did not end cleanly; the receiver was stopped");
    }
    try {
      ending.commit();
    } catch (IOException | RuntimeException e) {
      ending.abort();
      throw e;
    }
  }
}
