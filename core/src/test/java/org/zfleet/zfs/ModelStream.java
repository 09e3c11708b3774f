package org.zfleet.zfs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The byte format of {@link InMemoryZfs} send streams: one substream per snapshot sent (one for a
 * full or {@code -i} send, one per snapshot for {@code -I}, as ZFS does), each
 *
 * <pre>
 *   int32  magic 0x5A464C53 ("ZFLS")
 *   int64  from-guid (0 for a full stream)
 *   int64  to-guid
 *   UTF    snapshot short name
 *   int64  creation, epoch seconds
 *   int32  file count, then per file: UTF path, int32 length, bytes
 *   int64  CRC-32 of every byte of this substream before it
 * </pre>
 *
 * <p>File contents are the whole of the to-snapshot, not a difference: the receiver checks that its
 * head equals the base, which makes the two the same. The trailing checksum catches truncation and
 * corruption; as with ZFS, substreams before a damaged one stay received.
 */
public final class ModelStream {

  static final int MAGIC = 0x5A464C53;

  /** One snapshot's worth of a stream. */
  public record Substream(
      long fromGuid,
      long toGuid,
      String toName,
      long creationEpochSecond,
      Map<String, byte[]> files) {
    public Substream {
      files = Map.copyOf(files);
    }
  }

  /**
   * What a receiver could read: the intact substreams, and why it stopped if it did, at which byte
   * the damaged substream began ({@code failedAt}, the stream's length when none is damaged).
   */
  public record Decoded(List<Substream> substreams, Optional<String> error, int failedAt) {}

  /** The identity of a substream, as its first bytes tell it. */
  public record Header(long fromGuid, long toGuid, String toName) {}

  /** The header of the substream starting at {@code offset}, if that much of it is there. */
  public static Optional<Header> header(byte[] bytes, int offset) {
    try {
      DataInputStream in =
          new DataInputStream(new ByteArrayInputStream(bytes, offset, bytes.length - offset));
      if (in.readInt() != MAGIC) {
        return Optional.empty();
      }
      return Optional.of(new Header(in.readLong(), in.readLong(), in.readUTF()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private ModelStream() {}

  public static byte[] encode(List<Substream> substreams) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try {
      for (Substream s : substreams) {
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(one);
        out.writeInt(MAGIC);
        out.writeLong(s.fromGuid());
        out.writeLong(s.toGuid());
        out.writeUTF(s.toName());
        out.writeLong(s.creationEpochSecond());
        Map<String, byte[]> sorted = new TreeMap<>(s.files());
        out.writeInt(sorted.size());
        for (Map.Entry<String, byte[]> f : sorted.entrySet()) {
          out.writeUTF(f.getKey());
          out.writeInt(f.getValue().length);
          out.write(f.getValue());
        }
        out.flush();
        CRC32 crc = new CRC32();
        crc.update(one.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        all.write(one.toByteArray());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all.toByteArray();
  }

  public static Decoded decode(byte[] bytes) {
    List<Substream> out = new ArrayList<>();
    ByteArrayInputStream raw = new ByteArrayInputStream(bytes);
    DataInputStream in = new DataInputStream(raw);
    while (true) {
      int start = bytes.length - raw.available();
      if (raw.available() == 0) {
        return new Decoded(
            out,
            out.isEmpty() ? Optional.of("invalid backup stream (empty)") : Optional.empty(),
            start);
      }
      try {
        if (in.readInt() != MAGIC) {
          return new Decoded(out, Optional.of("invalid stream (bad magic number)"), start);
        }
        long from = in.readLong();
        long to = in.readLong();
        String name = in.readUTF();
        long creation = in.readLong();
        int count = in.readInt();
        if (count < 0 || count > raw.available()) {
          return new Decoded(out, Optional.of("invalid backup stream (bad file count)"), start);
        }
        Map<String, byte[]> files = new TreeMap<>();
        for (int i = 0; i < count; i++) {
          String path = in.readUTF();
          int length = in.readInt();
          if (length < 0 || length > raw.available()) {
            return new Decoded(out, Optional.of("invalid backup stream (truncated)"), start);
          }
          files.put(path, in.readNBytes(length));
        }
        int end = bytes.length - raw.available();
        CRC32 crc = new CRC32();
        crc.update(bytes, start, end - start);
        if (in.readLong() != crc.getValue()) {
          return new Decoded(out, Optional.of("invalid stream (checksum mismatch)"), start);
        }
        out.add(new Substream(from, to, name, creation, files));
      } catch (EOFException | java.io.UTFDataFormatException e) {
        return new Decoded(out, Optional.of("invalid backup stream (truncated)"), start);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
