package org.zfleet.node.dataplane;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the send stream back out of data frames. Returns -1 only at the end marker; a connection
 * that ends before it is an {@link EOFException}. Closing it leaves the connection open for the
 * reply.
 */
final class FrameInputStream extends InputStream {

  /** Hears how the stream ended: at the end marker, or with an error. */
  interface Listener {
    void ended(long bytes);

    void failed(IOException error);
  }

  private final InputStream in;
  private final Listener listener;
  private volatile boolean stopped;
  private int remaining;
  private long bytes;
  private boolean ended;

  FrameInputStream(InputStream in, Listener listener) {
    this.in = in;
    this.listener = listener;
  }

  /** Makes the next read fail: the stream is no longer wanted. */
  void stop() {
    stopped = true;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (ended) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    try {
      if (stopped) {
        throw new IOException("the stream was stopped");
      }
      if (remaining == 0) {
        int length = Frames.readLength(in, Frames.MAX_DATA_FRAME, "data frame");
        if (length < 0) {
          throw new EOFException("connection closed before the end of the stream");
        }
        if (length == 0) {
          ended = true;
          listener.ended(bytes);
          return -1;
        }
        remaining = length;
      }
      // Whole frames make whole stream elements; a TLS socket returns one record per read.
      int n = in.readNBytes(b, off, Math.min(len, remaining));
      if (n < Math.min(len, remaining)) {
        throw new EOFException("connection closed inside a data frame");
      }
      remaining -= n;
      bytes += n;
      return n;
    } catch (IOException e) {
      listener.failed(e);
      throw e;
    }
  }

  @Override
  public void close() {}
}
