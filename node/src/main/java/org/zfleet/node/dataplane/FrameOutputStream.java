package org.zfleet.node.dataplane;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the send stream as data frames. {@link #close()} writes the end marker and flushes but
 * leaves the connection open for the acknowledgement; it is only called after a clean end of the
 * stream (see {@code ByteTransfer}).
 */
final class FrameOutputStream extends OutputStream {

  /**
   * Holds back the writes beneath one frame so they leave together (see {@link CoalescingSocket}).
   */
  interface Cork {
    Cork NONE =
        new Cork() {
          @Override
          public void cork() {}

          @Override
          public void uncork() {}
        };

    void cork();

    void uncork() throws IOException;
  }

  private final OutputStream out;
  private final Cork cork;
  private final Runnable beforeEnd;
  // Header and payload in one write: one TLS record sequence per frame, no 4-byte record.
  private final byte[] frame;
  private long bytes;
  private boolean ended;

  FrameOutputStream(OutputStream out, Cork cork, int maxChunk, Runnable beforeEnd) {
    this.out = out;
    this.cork = cork;
    this.beforeEnd = beforeEnd;
    this.frame = new byte[4 + Math.min(maxChunk, Frames.MAX_DATA_FRAME)];
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (ended) {
      throw new IOException("the stream has already ended");
    }
    while (len > 0) {
      int n = Math.min(len, frame.length - 4);
      Frames.writeLength(frame, 0, n);
      System.arraycopy(b, off, frame, 4, n);
      cork.cork();
      try {
        out.write(frame, 0, 4 + n);
      } catch (IOException e) {
        try {
          cork.uncork();
        } catch (IOException alsoFailed) {
          e.addSuppressed(alsoFailed);
        }
        throw e;
      }
      cork.uncork();
      bytes += n;
      off += n;
      len -= n;
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Payload bytes written so far. */
  long bytes() {
    return bytes;
  }

  @Override
  public void close() throws IOException {
    if (ended) {
      return;
    }
    ended = true;
    beforeEnd.run();
    byte[] end = new byte[4];
    out.write(end);
    out.flush();
  }
}
