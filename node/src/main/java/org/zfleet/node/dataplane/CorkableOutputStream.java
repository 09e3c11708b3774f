package org.zfleet.node.dataplane;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes writes and flushes straight through, except while corked: then writes collect in a buffer
 * (a write that does not fit sends what is held first), flushes are held back, and {@link
 * #uncork()} sends everything held and flushes. The owner corks around one logical write, so the
 * many small writes and flushes beneath it leave as one.
 */
final class CorkableOutputStream extends OutputStream implements FrameOutputStream.Cork {

  private final OutputStream out;
  private final byte[] buffer;
  private int count;
  private boolean corked;

  CorkableOutputStream(OutputStream out, int bufferSize) {
    this.out = out;
    this.buffer = new byte[bufferSize];
  }

  @Override
  public synchronized void cork() {
    corked = true;
  }

  @Override
  public synchronized void uncork() throws IOException {
    corked = false;
    sendHeld();
    out.flush();
  }

  @Override
  public synchronized void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    if (!corked) {
      out.write(b, off, len);
      return;
    }
    if (len > buffer.length - count) {
      sendHeld();
    }
    if (len >= buffer.length) {
      out.write(b, off, len);
    } else {
      System.arraycopy(b, off, buffer, count, len);
      count += len;
    }
  }

  @Override
  public synchronized void flush() throws IOException {
    if (!corked) {
      sendHeld();
      out.flush();
    }
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      sendHeld();
    } finally {
      out.close();
    }
  }

  private void sendHeld() throws IOException {
    if (count > 0) {
      int n = count;
      count = 0;
      out.write(buffer, 0, n);
    }
  }
}
