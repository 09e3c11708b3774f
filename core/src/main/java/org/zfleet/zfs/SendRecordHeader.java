package org.zfleet.zfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Fields of a ZFS send stream's record header ({@link SendStreamInspector#RECORD} bytes, OpenZFS's
 * {@code dmu_replay_record_t}): the stream's byte order, the name a BEGIN record carries, and how
 * long the payload after a data record is.
 */
final class SendRecordHeader {

  static final int OBJECT = 1;
  static final int FREEOBJECTS = 2;
  static final int WRITE = 3;
  static final int FREE = 4;
  static final int WRITE_BYREF = 6;
  static final int SPILL = 7;
  static final int WRITE_EMBEDDED = 8;
  static final int OBJECT_RANGE = 9;
  static final int REDACT = 10;

  /** No record carries more than a 16 MiB block. */
  static final long MAX_PAYLOAD = 16L * 1024 * 1024 + SendStreamInspector.RECORD;

  private SendRecordHeader() {}

  /** The byte order of a stream whose first record is {@code header}: a BEGIN with the magic. */
  static ByteOrder byteOrder(byte[] header) throws SendStreamInspector.Refused {
    for (ByteOrder candidate : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      ByteBuffer r = ByteBuffer.wrap(header).order(candidate);
      if (r.getInt(0) == SendStreamInspector.BEGIN && r.getLong(8) == SendStreamInspector.MAGIC) {
        return candidate;
      }
    }
    throw new SendStreamInspector.Refused(
        "not a ZFS send stream (no BEGIN record with the stream magic)");
  }

  /** The {@code dataset@snapshot} name of a BEGIN record (up to 256 bytes, NUL-terminated). */
  static String toName(byte[] header) {
    int len = 0;
    while (len < 256 && header[56 + len] != 0) {
      len++;
    }
    return new String(header, 56, len, StandardCharsets.UTF_8);
  }

  /**
   * The payload length after a data record of {@code type} (any but BEGIN and END) at stream {@code
   * offset}; refused if the type is unknown or the length out of bounds.
   */
  static long dataPayload(ByteBuffer r, int type, long offset) throws SendStreamInspector.Refused {
    long payload =
        switch (type) {
          case OBJECT -> {
            long raw = Integer.toUnsignedLong(r.getInt(36));
            yield raw != 0 ? raw : roundUp8(Integer.toUnsignedLong(r.getInt(28)));
          }
          case WRITE -> (r.get(50) != 0) ? r.getLong(96) : r.getLong(32);
          case SPILL -> {
            long compressed = r.getLong(40);
            yield compressed != 0 ? compressed : r.getLong(16);
          }
          case WRITE_EMBEDDED -> roundUp8(Integer.toUnsignedLong(r.getInt(52)));
          case FREEOBJECTS, FREE, WRITE_BYREF, OBJECT_RANGE, REDACT -> 0;
          default ->
              throw new SendStreamInspector.Refused(
                  "unknown record type " + type + " at offset " + offset);
        };
    if (payload < 0 || payload > MAX_PAYLOAD) {
      throw new SendStreamInspector.Refused(
          "a record of type " + type + " with a " + payload + "-byte payload at offset " + offset);
    }
    return payload;
  }

  private static long roundUp8(long n) {
    return (n + 7) & ~7L;
  }
}
