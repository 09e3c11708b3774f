package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.zfleet.zfs.SendStreamInspector.Refused;
import org.zfleet.zfs.SendStreamInspector.StreamStart;

/**
 * The inspector against streams zfs-fuse wrote ({@code streams/*.zstream}: a dataset {@code
 * zf_sec1/probe} with a child and snapshots a, b, c; see the resource names) and against streams a
 * modified node could craft from them.
 */
class SendStreamInspectorTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {1, 7, 311, 312, 313, 4096, 1 << 20})
  void zfleetsOwnStreamsPassUnchangedInAnyChunking(int chunk) throws Exception {
    for (String name :
        new String[] {"full", "incremental", "intermediate", "dedup-intermediate", "child-full"}) {
      byte[] stream = stream(name);
      Inspected result = inspect(stream, chunk);
      assertThat(result.out).as(name).isEqualTo(stream);
      assertThat(result.inspector.done()).as(name + " ends with its END").isTrue();
      assertThat(result.inspector.start()).as(name).isNotNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"full", "intermediate", "child-full"})
  void whatPassesGoesOnInOneWritePerCall(String name) throws Exception {
    byte[] stream = stream(name);
    SendStreamInspector inspector = new SendStreamInspector();
    List<Integer> writes = new ArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream out =
        new OutputStream() {
          @Override
          public void write(int b) {
            throw new AssertionError("a single-byte write");
          }

          @Override
          public void write(byte[] b, int off, int len) {
            writes.add(len);
            bytes.write(b, off, len);
          }
        };

    inspector.inspect(stream, 0, stream.length, out);

    assertThat(writes).as("writes of a %d-byte stream", stream.length).hasSize(1);
    assertThat(bytes.toByteArray()).isEqualTo(stream);
  }

  @Test
  void theStartSaysWhatTheStreamIs() throws Exception {
    StreamStart full = inspect(stream("full"), 4096).inspector.start();
    assertThat(full.compound()).isFalse();
    assertThat(full.incremental()).isFalse();
    assertThat(full.dataset()).isEqualTo("zf_sec1/probe");
    assertThat(full.snapshot()).isEqualTo("a");

    StreamStart increment = inspect(stream("incremental"), 4096).inspector.start();
    assertThat(increment.incremental()).isTrue();
    assertThat(increment.fromGuid()).isEqualTo(full.toGuid());
    assertThat(increment.snapshot()).isEqualTo("b");

    // A compound header's fromguid is 0: the base is in its first substream.
    StreamStart batch = inspect(stream("intermediate"), 4096).inspector.start();
    assertThat(batch.compound()).isTrue();
    assertThat(batch.fromGuid()).isEqualTo(full.toGuid());
    assertThat(batch.snapshot()).isEqualTo("b");
  }

  @Test
  void propertiesAndReplicationStreamsAreRefusedBeforeAnyByteGoesOn() {
    for (String name : new String[] {"properties", "replicate"}) {
      SendStreamInspector inspector = new SendStreamInspector();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] stream = stream(name);
      assertThatThrownBy(() -> inspector.inspect(stream, 0, stream.length, out))
          .as(name)
          .isInstanceOf(Refused.class)
          .hasMessageContaining("properties or several datasets");
      assertThat(out.size()).as(name).isZero();
    }
  }

  @Test
  void aBatchWithASubstreamOfAnotherDatasetIsRefusedAtThatSubstream() throws Exception {
    byte[] stream = stream("intermediate");
    int second = beginOffsets(stream)[2];
    rename(stream, second, "zf_sec1/probe/evil@c");
    SendStreamInspector inspector = new SendStreamInspector();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(() -> inspector.inspect(stream, 0, stream.length, out))
        .isInstanceOf(Refused.class)
        .hasMessageContaining("zf_sec1/probe/evil");
    assertThat(out.toByteArray()).isEqualTo(Arrays.copyOf(stream, second));
  }

  @Test
  void aCompoundHeaderOfOneDatasetOverAnotherDatasetsStreamIsRefused() {
    byte[] batch = stream("intermediate");
    byte[] child = stream("child-full");
    // The compound header and its END, then the child's whole stream: received as pool/x/child.
    byte[] crafted = new byte[2 * 312 + child.length];
    System.arraycopy(batch, 0, crafted, 0, 2 * 312);
    System.arraycopy(child, 0, crafted, 2 * 312, child.length);

    assertThatThrownBy(() -> inspect(crafted, 4096))
        .isInstanceOf(Refused.class)
        .hasMessageContaining("zf_sec1/probe/child");
  }

  @Test
  void cloneAndRedactedStreamsAreRefused() {
    assertThatThrownBy(() -> inspect(begin(ByteOrder.LITTLE_ENDIAN, 1, 0, 1, 0), 312))
        .hasMessageContaining("clone");
    assertThatThrownBy(() -> inspect(begin(ByteOrder.LITTLE_ENDIAN, 1 | (1L << 23), 0, 0, 0), 312))
        .hasMessageContaining("redacted");
  }

  @Test
  void aRawSubstreamWithItsKeyDataIsAccepted() throws Exception {
    // send -w: feature bit 24 (versioninfo bit 26), the wrapped keys in a BEGIN payload.
    byte[] raw = begin(ByteOrder.LITTLE_ENDIAN, 1 | (1L << 26), 8, 0, 0);
    byte[] stream = concat(concat(raw, new byte[8]), end(ByteOrder.LITTLE_ENDIAN));
    Inspected result = inspect(stream, 100);
    assertThat(result.inspector.start().dataset()).isEqualTo("pool/fs");
    assertThat(result.inspector.done()).isTrue();
    assertThat(result.out).isEqualTo(stream);
  }

  @Test
  void aBigEndianSenderIsReadInItsOwnByteOrder() throws Exception {
    byte[] stream = concat(begin(ByteOrder.BIG_ENDIAN, 1, 0, 0, 77), end(ByteOrder.BIG_ENDIAN));
    Inspected result = inspect(stream, 100);
    assertThat(result.inspector.start().fromGuid()).isEqualTo(77);
    assertThat(result.inspector.done()).isTrue();
  }

  @Test
  void garbageTrailingDataAndUnknownRecordsAreRefused() {
    byte[] garbage = new byte[4096];
    new Random(1).nextBytes(garbage);
    assertThatThrownBy(() -> inspect(garbage, 4096)).hasMessageContaining("not a ZFS send stream");

    byte[] trailing = concat(stream("full"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> inspect(trailing, 4096)).hasMessageContaining("after the end");

    byte[] unknown =
        concat(begin(ByteOrder.LITTLE_ENDIAN, 1, 0, 0, 0), record(ByteOrder.LITTLE_ENDIAN, 42));
    assertThatThrownBy(() -> inspect(unknown, 4096)).hasMessageContaining("unknown record type 42");

    byte[] huge = record(ByteOrder.LITTLE_ENDIAN, SendRecordHeader.WRITE);
    ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(32, 1L << 40);
    assertThatThrownBy(
            () -> inspect(concat(begin(ByteOrder.LITTLE_ENDIAN, 1, 0, 0, 0), huge), 4096))
        .hasMessageContaining("payload");
  }

  // ---- helpers

  private record Inspected(SendStreamInspector inspector, byte[] out) {}

  private static Inspected inspect(byte[] stream, int chunk) throws Refused, IOException {
    SendStreamInspector inspector = new SendStreamInspector();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int off = 0; off < stream.length; off += chunk) {
      inspector.inspect(stream, off, Math.min(chunk, stream.length - off), out);
    }
    return new Inspected(inspector, out.toByteArray());
  }

  static byte[] stream(String name) {
    try (InputStream in =
        SendStreamInspectorTest.class.getResourceAsStream("streams/" + name + ".zstream")) {
      return in.readAllBytes();
    } catch (IOException | NullPointerException e) {
      throw new AssertionError("no test stream " + name, e);
    }
  }

  /** Offsets of the BEGIN records of a little-endian stream, walking it record by record. */
  private static int[] beginOffsets(byte[] stream) throws Exception {
    int[] found = new int[16];
    int count = 0;
    SendStreamInspector probe = new SendStreamInspector();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    for (int off = 0; off < stream.length; off++) {
      if (sink.size() == off
          && probe.heldBack() == 0
          && ByteBuffer.wrap(stream, off, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() == 0
          && off + 16 <= stream.length
          && ByteBuffer.wrap(stream, off + 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()
              == SendStreamInspector.MAGIC) {
        found[count++] = off;
      }
      probe.inspect(stream, off, 1, sink);
    }
    return Arrays.copyOf(found, count);
  }

  private static void rename(byte[] stream, int record, String toName) {
    Arrays.fill(stream, record + 56, record + 312, (byte) 0);
    byte[] name = toName.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(name, 0, stream, record + 56, name.length);
  }

  private static byte[] begin(
      ByteOrder order, long versionInfo, int payload, int flags, long from) {
    byte[] r = record(order, SendStreamInspector.BEGIN);
    ByteBuffer b = ByteBuffer.wrap(r).order(order);
    b.putInt(4, payload);
    b.putLong(8, SendStreamInspector.MAGIC);
    b.putLong(16, versionInfo);
    b.putInt(36, flags);
    b.putLong(40, 5);
    b.putLong(48, from);
    byte[] name = "pool/fs@s".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, r, 56, name.length);
    return r;
  }

  private static byte[] end(ByteOrder order) {
    return record(order, SendStreamInspector.END);
  }

  private static byte[] record(ByteOrder order, int type) {
    byte[] r = new byte[312];
    ByteBuffer.wrap(r).order(order).putInt(0, type);
    return r;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
