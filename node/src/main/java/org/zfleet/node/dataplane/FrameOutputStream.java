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
  // The header and the payload are two writes under one cork: the 4-byte header is a TLS record of
  // its own (a 256 KiB payload with the header in front made 17 records as well), and the payload
  // is encrypted straight from the caller's array instead of being copied behind the header first.
  private final byte[] header = new byte[4];
  private final int maxFrame;
  private long bytes;
  private boolean ended;

  FrameOutputStream(OutputStream out, Cork cork, int maxChunk, Runnable beforeEnd) {
    this.out = out;
    this.cork = cork;
    this.beforeEnd = beforeEnd;
    this.maxFrame = Math.min(maxChunk, Frames.MAX_DATA_FRAME);
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
      int n = Math.min(len, maxFrame);
      Frames.writeLength(header, 0, n);
      cork.cork();
      try {
        out.write(header, 0, 4);
        out.write(b, off, n);
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
