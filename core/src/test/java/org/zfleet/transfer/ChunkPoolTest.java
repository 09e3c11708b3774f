package org.zfleet.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class ChunkPoolTest {

  private static final int CHUNK = 16;

  @Test
  void aWholeChunkWrittenIsReadIntoAgainAndNothingIsCopied() throws IOException {
    ChunkPool pool = new ChunkPool(CHUNK, 4);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    OutputStream out = pool.recycling(received);
    ByteArrayInputStream in = new ByteArrayInputStream(bytes(3 * CHUNK));

    ByteString first = pool.read(in).orElseThrow();
    byte[] array = first.toArrayUnsafe();
    out.write(array);
    ByteString second = pool.read(in).orElseThrow();

    assertThat(second.toArrayUnsafe()).as("the array written is read into again").isSameAs(array);
    assertThat(received.toByteArray()).isEqualTo(Arrays.copyOf(bytes(3 * CHUNK), CHUNK));
    assertThat(second.toArray()).isEqualTo(Arrays.copyOfRange(bytes(48), 16, 32));
  }

  @Test
  void aPartOfAChunkIsNeverTakenBackWhileItsArrayMayBeInUse() throws IOException {
    ChunkPool pool = new ChunkPool(CHUNK, 4);
    OutputStream out = pool.recycling(new ByteArrayOutputStream());
    ByteString partial = pool.read(new ByteArrayInputStream(bytes(CHUNK / 2))).orElseThrow();
    byte[] copy = partial.toArrayUnsafe();
    byte[] whole = new byte[CHUNK];

    out.write(copy);
    out.write(whole, 0, CHUNK - 1);

    ByteString next = pool.read(new ByteArrayInputStream(bytes(CHUNK))).orElseThrow();
    assertThat(next.toArrayUnsafe()).isNotSameAs(copy).isNotSameAs(whole);
    assertThat(partial.toArray()).isEqualTo(bytes(CHUNK / 2));
  }

  @Test
  void theEndOfTheStreamIsEmpty() throws IOException {
    ChunkPool pool = new ChunkPool(CHUNK, 1);
    assertThat(pool.read(new ByteArrayInputStream(new byte[0]))).isEmpty();
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7 + 3);
    }
    return b;
  }
}
