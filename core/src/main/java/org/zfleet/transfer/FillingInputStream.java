package org.zfleet.transfer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads until the caller's buffer is full or the stream ends. Process pipes return at most 64 KiB
 * per read; whole chunks cost the stream fewer elements per byte.
 */
final class FillingInputStream extends FilterInputStream {

  FillingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.readNBytes(b, off, len);
    return n == 0 && len > 0 ? -1 : n;
  }
}
