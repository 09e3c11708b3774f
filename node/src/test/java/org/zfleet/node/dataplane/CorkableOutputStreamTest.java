package org.zfleet.node.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CorkableOutputStreamTest {

  /** Records what reaches the socket: each write's size, each flush, and the bytes in order. */
  private static final class Recorder extends OutputStream {
    final List<String> calls = new ArrayList<>();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      calls.add("write " + len);
      bytes.write(b, off, len);
    }

    @Override
    public void flush() {
      calls.add("flush");
    }
  }

  private static byte[] data(int size, long seed) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  @Test
  void uncorkedWritesAndFlushesPassStraightThrough() throws IOException {
    Recorder socket = new Recorder();
    CorkableOutputStream out = new CorkableOutputStream(socket, 64);
    out.write(data(10, 1));
    out.flush();
    out.write(data(100, 2));
    assertThat(socket.calls).containsExactly("write 10", "flush", "write 100");
  }

  @Test
  void corkedRecordsAndTheirFlushesLeaveAsOneWriteAtUncork() throws IOException {
    Recorder socket = new Recorder();
    CorkableOutputStream out = new CorkableOutputStream(socket, 1024);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    out.cork();
    for (int i = 0; i < 5; i++) {
      byte[] record = data(100 + i, i);
      out.write(record);
      out.flush();
      expected.write(record);
    }
    assertThat(socket.calls).isEmpty();
    out.uncork();
    assertThat(socket.calls).containsExactly("write 510", "flush");
    assertThat(socket.bytes.toByteArray()).isEqualTo(expected.toByteArray());
  }

  @Test
  void aWriteThatDoesNotFitSendsWhatIsHeldFirstAndKeepsTheOrder() throws IOException {
    Recorder socket = new Recorder();
    CorkableOutputStream out = new CorkableOutputStream(socket, 100);
    byte[] a = data(60, 1);
    byte[] b = data(60, 2);
    byte[] huge = data(250, 3);
    byte[] c = data(10, 4);
    out.cork();
    out.write(a);
    out.write(b);
    out.write(huge);
    out.write(c);
    out.uncork();
    assertThat(socket.calls)
        .containsExactly("write 60", "write 60", "write 250", "write 10", "flush");
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (byte[] part : List.of(a, b, huge, c)) {
      expected.write(part);
    }
    assertThat(socket.bytes.toByteArray()).isEqualTo(expected.toByteArray());
  }

  @Test
  void closingSendsWhatIsHeld() throws IOException {
    Recorder socket = new Recorder();
    CorkableOutputStream out = new CorkableOutputStream(socket, 100);
    out.cork();
    out.write(data(30, 5));
    out.close();
    assertThat(socket.calls).containsExactly("write 30");
    assertThat(socket.bytes.size()).isEqualTo(30);
  }

  @Test
  void framesThroughACorkArriveWhole() throws IOException {
    Recorder socket = new Recorder();
    CorkableOutputStream cork = new CorkableOutputStream(socket, 4096);
    FrameOutputStream frames = new FrameOutputStream(cork, cork, 1024, () -> {});
    byte[] payload = data(3000, 6);
    frames.write(payload);
    // 3000 bytes in frames of at most 1024: three frames, one socket write each.
    assertThat(socket.calls)
        .containsExactly("write 1028", "flush", "write 1028", "flush", "write 956", "flush");
    byte[] sent = socket.bytes.toByteArray();
    assertThat(Arrays.copyOfRange(sent, 4, 1028)).isEqualTo(Arrays.copyOfRange(payload, 0, 1024));
  }
}
