package org.zfleet.transfer;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import org.apache.pekko.util.ByteString;

/**
 * The chunks of one transfer, used again once written. Reading a fresh array per chunk and copying
 * it into a {@link ByteString} (what Pekko's input-stream source does) cost one copy of every byte
 * and a gigabyte of garbage per gigabyte moved; with the daemon's small heap, the chunks waiting at
 * the stream's boundaries outlived young collections and were promoted, so the old generation
 * filled and was collected every few seconds (a fifth of the receiving node's CPU in a profile).
 * Here the reader fills an array from the pool and wraps it without a copy; the writer gives it
 * back once the receiver's stdin has taken it (an {@link OutputStream} keeps nothing of a write
 * once it returns). A chunk that is not whole (the end of the stream, a fill cut short) is copied
 * by the sink and its array left to the collector; an empty pool hands out a new array, so the pool
 * never waits and never holds more than {@code capacity} idle arrays.
 */
final class ChunkPool {

  private final int chunkSize;
  private final ArrayBlockingQueue<byte[]> idle;

  ChunkPool(int chunkSize, int capacity) {
    this.chunkSize = chunkSize;
    this.idle = new ArrayBlockingQueue<>(capacity);
  }

  /** The next chunk read from {@code in}, empty at its end. */
  Optional<ByteString> read(InputStream in) throws IOException {
    byte[] chunk = idle.poll();
    if (chunk == null) {
      chunk = new byte[chunkSize];
    }
    int n = in.read(chunk, 0, chunkSize);
    if (n < 0) {
      idle.offer(chunk);
      return Optional.empty();
    }
    return Optional.of(ByteString.fromArrayUnsafe(chunk, 0, n));
  }

  /** Passes writes on, then takes back the arrays that are whole chunks. */
  OutputStream recycling(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        if (b.length == chunkSize && off == 0 && len == chunkSize) {
          idle.offer(b);
        }
      }
    };
  }
}
